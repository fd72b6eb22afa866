"""The Textual console: app, screens, widgets, palette and navigation."""
