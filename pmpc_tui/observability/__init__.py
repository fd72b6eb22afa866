"""Observability: correlation IDs, metrics, the app log ring and the JSON-lines log files (secret redaction:
`pmpc_tui/pve/redact.py`, below the API client that uses it)."""
