"""Training the embedded request model: the data generator and the trainer (not imported at run time)."""
