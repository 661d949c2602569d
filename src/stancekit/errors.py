"""Typed errors raised by the library.

Every error carries a message that says what went wrong and what to do about it. The CLI turns
them into one line on stderr and a non-zero exit code; library users can catch
:class:`StancekitError` to handle all of them.
"""

from __future__ import annotations


class StancekitError(Exception):
    """Base class of every error stancekit raises on purpose."""

    exit_code: int = 1


class UsageError(StancekitError):
    """An option value that cannot work: a folder given as an output file, an unknown format."""

    exit_code = 2


class InputError(StancekitError):
    """Input text or file that cannot be used: missing, unreadable, empty, wrong format."""


class OutputError(StancekitError):
    """An output file or folder that cannot be written: a folder in the way, no permission, disk
    full."""


class DataError(StancekitError):
    """Labelled data that breaks the corpus schema: unknown label, missing field, bad value."""


class ParamsError(StancekitError):
    """A params.yaml that is missing, unreadable, or holds an invalid value."""


class ModelNotFoundError(StancekitError):
    """No trained model where one was expected."""


class ModelLoadError(StancekitError):
    """A model file that is corrupt or was saved by incompatible library versions."""


class UntrustedModelError(ModelLoadError):
    """A model that can only be loaded by unpickling, which runs code: it needs explicit trust
    (``trust_pickle=True`` / ``--trust-pickle``)."""


class StancekitWarning(UserWarning):
    """Something a run skipped and the user should know about (a folder it could not read);
    the CLI prints it as one ``warning: ...`` line."""
