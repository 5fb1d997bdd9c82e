"""Reuters-21578 style SGML (``<REUTERS NEWID=..><DATE>..<TITLE>..<DATELINE>..<BODY>..``).

Many newswire archives look like this: a flat file of tagged stories. Parsed with regexes over
the decoded file because the files are not well-formed XML (bare ``&#3;``, unescaped ``<``).
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Iterator

from ..model import RawRecord, Rejection
from .sniff import decode
from .sources import Blob, record_boundary

_OPEN = re.compile(r"<REUTERS\b([^>]*)>", re.IGNORECASE)
_CLOSE = re.compile(r"</REUTERS>", re.IGNORECASE)
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def _field(body: str, tag: str) -> str | None:
    m = re.search(rf"<{tag}>(.*?)</{tag}>", body, re.DOTALL | re.IGNORECASE)
    return _clean(m.group(1)) if m else None


def _clean(value: str) -> str:
    value = value.replace("&#3;", "").replace("\x03", "")
    return html.unescape(value).strip()


def _date(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        return datetime.strptime(raw.strip().split(".")[0], "%d-%b-%Y %H:%M:%S").isoformat()
    except ValueError:
        return raw.strip()


def _stories(content: str) -> Iterator[tuple[str, str, bool]]:
    """(attributes, inner text, closed) for each story, in one left-to-right pass: a story runs from
    its <REUTERS> tag to its </REUTERS>, or, left open, to the next <REUTERS> tag (a non-greedy regex
    over the whole file would rescan the rest of the file for every unclosed tag: quadratic time)."""
    opens = list(_OPEN.finditer(content))
    for k, tag in enumerate(opens):
        end = opens[k + 1].start() if k + 1 < len(opens) else len(content)
        close = _CLOSE.search(content, tag.end(), end)
        yield tag.group(1), content[tag.end() : close.start() if close else end], close is not None


def _story(attrs_raw: str, inner: str, found: int, origin: str, warning: str | None) -> RawRecord | Rejection:
    attrs = dict(_ATTR.findall(attrs_raw))
    newid = attrs.get("NEWID") or str(found)
    label = f"NEWID={newid}"
    body = _field(inner, "BODY")
    title = _field(inner, "TITLE")
    if body:
        body = re.sub(r"\s*\bReuter\s*$", "", body)
    if not body and not title:
        # UNPROC stories carry raw text outside TITLE/BODY.
        text_m = re.search(r"<TEXT[^>]*>(.*?)</TEXT>", inner, re.DOTALL | re.IGNORECASE)
        body = _clean(re.sub(r"<[^>]+>", " ", text_m.group(1))) if text_m else None
    if not body and not title:
        return Rejection(origin, "story has no title and no body", label)
    record = RawRecord(
        text=body or title or "",
        origin=origin,
        record=label,
        title=title,
        source="Reuters",
        published=_date(_field(inner, "DATE")),
        external_id=f"reuters21578:{newid}",
        extra={k: v for k, v in (("dateline", _field(inner, "DATELINE")), ("topics", _field(inner, "TOPICS"))) if v},
    )
    if warning:
        record.warnings.append(warning)
    return record


def read_reuters_sgml(blob: Blob, max_bytes: int) -> Iterator[RawRecord | Rejection]:
    content, warning = decode(blob.read(max_bytes))
    found = 0
    for attrs_raw, inner, closed in _stories(content):
        found += 1
        label = f"story {found}"
        if not closed:
            yield Rejection(blob.name, "story not closed by </REUTERS>; skipped (the stories after it are read)", label)
            continue
        yield record_boundary(blob.name, label, lambda: _story(attrs_raw, inner, found, blob.name, warning))
    if not found:
        yield Rejection(blob.name, "no <REUTERS> stories found in SGML file")
