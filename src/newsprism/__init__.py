"""newsprism: turn a stream of news articles into stories and compare what their sources say.

``newsprism.open(location)`` gives the library object (``library.Newsprism``) that the command line,
the HTTP API and the benchmarks use.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .library import Newsprism

__version__ = "0.1.0"


def open(location: str | os.PathLike[str] | None = None) -> "Newsprism":  # noqa: A001 - like shelve.open, dbm.open
    """The store at ``location`` (a SQLite file; default ``$NEWSPRISM_DB`` or ~/.local/share/newsprism) with
    every stage as a method. Imported on call: ``import newsprism`` stays light."""
    from .library import Newsprism

    return Newsprism.open(location)
