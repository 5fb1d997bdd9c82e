"""Plain-text articles: one article per file, with optional leading metadata.

Understood metadata, all optional:
- a first line starting with `` date YYYY-MM-DD`` (the rest of the line is article text), as in
  scraped wire copy;
- a block of ``key: value`` lines (title, source, url, date, lang) ended by a blank line.
A dateline (``China News Network, May 5 ...``) stays in the text; normalization reads it.
"""

from __future__ import annotations

import re
from typing import Iterator

from ..model import RawRecord, Rejection
from .sniff import decode
from .sources import Blob

_HEADER_DATE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?)\s+", re.IGNORECASE)
_FRONT_KEY = re.compile(r"^(title|source|outlet|url|date|published|lang|language|id)\s*:\s*(.+)$", re.IGNORECASE)
_KEYMAP = {"outlet": "source", "published": "date", "language": "lang"}


def parse_text_article(text: str, origin: str) -> RawRecord:
    record = RawRecord(text="", origin=origin)
    header = _HEADER_DATE.match(text)
    if header:
        record.header_date = header.group(1)
        text = text[header.end() :]
    else:
        text = _read_front_matter(text, record)
    record.text = text
    return record


def _read_front_matter(text: str, record: RawRecord) -> str:
    lines = text.lstrip("\ufeff").split("\n")
    fields: dict[str, str] = {}
    for i, line in enumerate(lines[:12]):
        if not line.strip():
            if fields and i == len(fields):
                for key, value in fields.items():
                    _apply(record, key, value)
                return "\n".join(lines[i + 1 :])
            break
        match = _FRONT_KEY.match(line.strip())
        if not match:
            break
        key = match.group(1).lower()
        fields[_KEYMAP.get(key, key)] = match.group(2).strip()
    return text


def _apply(record: RawRecord, key: str, value: str) -> None:
    if key == "date":
        record.header_date = value
    elif key == "id":
        record.external_id = value
    else:
        setattr(record, key, value)


def read_text(blob: Blob, max_bytes: int) -> Iterator[RawRecord | Rejection]:
    text, warning = decode(blob.read(max_bytes))
    record = parse_text_article(text, blob.name)
    record.url = blob.url
    if warning:
        record.warnings.append(warning)
    yield record
