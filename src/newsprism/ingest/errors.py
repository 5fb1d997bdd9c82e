"""What a reader raises: an input it cannot read at all, or one record of it (each becomes a Rejection)."""

from __future__ import annotations


class InputError(Exception):
    """An input as a whole cannot be read; the message is the one-line reason."""


class RecordError(ValueError):
    """One record cannot be read; the message is the one-line reason (naming the field where there is one)."""
