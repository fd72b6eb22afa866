"""Grounding, one module per concern (see `nl/grounding.py`)."""
