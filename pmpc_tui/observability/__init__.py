"""Observability: redaction of secrets, correlation IDs, metrics and the JSON-lines log files."""
