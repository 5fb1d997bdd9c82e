"""Case-insensitive patterns that run at case-sensitive speed.

Python's ``re`` scans about twice as fast without IGNORECASE. A pattern written in lowercase matches the
lowercased text exactly where the case-insensitive pattern matches the text, so each pattern is compiled
both ways and run over ``text.lower()``, whose offsets are the text's (a few letters, such as 'İ', grow
when lowercased: such a text takes the case-insensitive pattern). Groups then read lowercase: handlers
that need the case as written look at the text itself.
"""

from __future__ import annotations

import re
from typing import Iterator

_UPPER_LITERAL = re.compile(r"(?<!\\)[A-Z]")


class AnyCase:
    def __init__(self, source: str, flags: int = 0):
        # \S \W \D \B are escapes, not literals; an uppercase literal would never match lowercased text
        if _UPPER_LITERAL.search(re.sub(r"\(\?P<\w+>", "", source)):
            raise ValueError(f"pattern has an uppercase literal, write it in lowercase: {source[:80]!r}")
        self.any_case = re.compile(source, flags | re.IGNORECASE)
        self.lower = re.compile(source, flags)
        self.pattern = source

    def finditer(self, text: str, low: str | None = None) -> Iterator[re.Match]:
        """Matches in ``text``; ``low``: ``text.lower()`` where the caller already has it."""
        low = text.lower() if low is None else low
        return self.lower.finditer(low) if len(low) == len(text) else self.any_case.finditer(text)
