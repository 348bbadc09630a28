"""Hearth's engine room: plain Python, no Qt (the GUI and the CLI both sit on top of it)."""
