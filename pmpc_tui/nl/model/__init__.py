"""The embedded request model: its weights (committed artifact) and plain-Python inference."""
