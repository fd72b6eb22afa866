"""Plain English to commands: an offline parser (no model needed)."""
