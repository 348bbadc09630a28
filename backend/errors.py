"""Errors whose message is meant for the user, as is: the GUI shows it, the CLI prints it."""


class HearthError(Exception):
    """Base for errors with a message a user can act on."""


class ModelFileError(HearthError):
    """A model file that cannot be used: missing, truncated, wrong format, unsupported."""


class ModelLoadError(HearthError):
    """The engine refused a file that looked valid."""
