"""Structured records: JSON Lines (streamed), JSON documents and CSV/TSV, with a configurable field mapping.

By default each field is looked up under the names common in news datasets and APIs
(``text``/``body``/``content``, ``published``/``date``, ...); ``FieldMap`` overrides them, e.g.
``--field text=maintext --field published=date_publish`` on the command line.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections import deque
from datetime import datetime, timezone
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Iterator

from ..model import RawRecord, Rejection
from .html import fragment_to_text, looks_like_html
from .sniff import decode
from .sources import Blob, RecordError, capped_readline, record_boundary

DEFAULT_NAMES: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "maintext", "full_text", "article", "article_text", "description"),
    "title": ("title", "headline", "heading"),
    "published": ("published", "date", "publish_date", "published_at", "date_publish", "pubdate", "datetime", "dct", "timestamp", "seendate"),
    "source": ("source", "outlet", "site_name", "sitename", "publisher", "source_name", "domain", "source_domain"),
    "url": ("url", "link", "uri", "source_url"),
    "id": ("id", "doc_id", "article_id", "uuid", "guid"),
    "lang": ("lang", "language", "lang_code"),
}
# "story" is a gold label in benchmark files, and "description" only a fallback for text.
_TEXT_FALLBACK_ONLY = {"description"}


@dataclass
class FieldMap:
    """Which input field feeds which article field. Explicit names replace the defaults for that field."""

    explicit: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, specs: list[str] | None) -> "FieldMap":
        explicit: dict[str, str] = {}
        for spec in specs or []:
            if "=" not in spec:
                raise ValueError(f"field mapping {spec!r} must look like article_field=input_field")
            key, _, value = spec.partition("=")
            key = key.strip()
            if key not in DEFAULT_NAMES:
                raise ValueError(f"unknown article field {key!r}; one of: {', '.join(DEFAULT_NAMES)}")
            explicit[key] = value.strip()
        return cls(explicit)

    def get(self, obj: dict[str, Any], key: str) -> Any:
        if key in self.explicit:
            return _dig(obj, self.explicit[key])
        for name in DEFAULT_NAMES[key]:
            value = obj.get(name)
            if value not in (None, "", []):
                return value
        return None


def _dig(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def _as_str(value: Any) -> str | None:
    """A field's value as text. An object counts only through its name ({"source": {"name": "BBC"}});
    any other object or a list of objects is no text at all (never the string "None")."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dict):
        value = next((value[k] for k in ("name", "title", "id") if isinstance(value.get(k), (str, int, float))
                      and not isinstance(value.get(k), bool)), None)
        if value is None:
            return None
    if isinstance(value, list):
        value = "\n\n".join(str(v) for v in value if isinstance(v, (str, int, float)) and not isinstance(v, bool) and v != "")
    value = str(value).strip()
    return value or None


def _epoch(value: float) -> tuple[str | None, str | None]:
    """An epoch number (seconds, or milliseconds past 1e11) as an ISO date; junk gives a warning instead."""
    if not math.isfinite(value):
        return None, f"date {value!r} in metadata is not a number; ignored"
    stamp = value / 1000 if abs(value) > 1e11 else value
    try:
        return datetime.fromtimestamp(stamp, tz=timezone.utc).isoformat(), None
    except (OverflowError, OSError, ValueError):
        return None, f"date {value!r} in metadata is no epoch time a calendar holds; ignored"


def record_from_object(obj: Any, fmap: FieldMap, origin: str, label: str, max_bytes: int | None = None) -> RawRecord | Rejection:
    if not isinstance(obj, dict):
        return Rejection(origin, f"expected a JSON object, got {type(obj).__name__}", label)
    raw_text = fmap.get(obj, "text")
    if isinstance(raw_text, dict):
        raise RecordError(f"field 'text' holds an object, not text (keys: {', '.join(sorted(map(str, raw_text))[:8])})")
    text = _as_str(raw_text)
    title = _as_str(fmap.get(obj, "title"))
    warnings: list[str] = []
    if not text and title:
        text = title
        warnings.append("no body text; the title stands in for it")
    if not text:
        wanted = fmap.explicit.get("text") or "/".join(n for n in DEFAULT_NAMES["text"] if n not in _TEXT_FALLBACK_ONLY)
        present = ", ".join(sorted(map(str, obj))[:12]) or "none"
        return Rejection(origin, f"missing required field 'text' (looked for {wanted}; fields present: {present})", label)
    if max_bytes is not None and len(text) * 4 > max_bytes and len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise RecordError(f"field 'text' is larger than {max_bytes / 2**20:.0f} MB (raise --max-doc-mb)")
    if looks_like_html(text):
        text = fragment_to_text(text)
    used = {fmap.explicit.get(k, "") for k in DEFAULT_NAMES}
    extra = {k: v for k, v in obj.items() if k in ("story", "author", "authors", "category", "tags") and k not in used}
    published = fmap.get(obj, "published")
    if isinstance(published, (int, float)) and not isinstance(published, bool):
        published, problem = _epoch(float(published))
        if problem:
            warnings.append(problem)
    return RawRecord(
        text=text,
        warnings=warnings,
        origin=origin,
        record=label,
        title=title,
        source=_as_str(fmap.get(obj, "source")),
        url=_as_str(fmap.get(obj, "url")),
        published=_as_str(published),
        lang=_as_str(fmap.get(obj, "lang")),
        external_id=_as_str(fmap.get(obj, "id")),
        extra=extra,
    )


def capped_lines(stream: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) for each line of a byte stream; a line longer than ``limit`` is skipped
    without being held in memory and comes as (number, None)."""
    lineno = 0
    while True:
        line, too_long = capped_readline(stream, limit)
        if not line:
            return
        lineno += 1
        yield lineno, None if too_long else line  # type: ignore[misc]


def _line_too_long(limit: int) -> str:
    return f"line longer than {limit / 2**20:.0f} MB; skipped (raise --max-doc-mb)"


def read_jsonl(blob: Blob, fmap: FieldMap, max_bytes: int = 10 * 2**20) -> Iterator[RawRecord | Rejection]:
    for lineno, raw in capped_lines(blob.stream, max_bytes):
        label = f"line {lineno}"
        if raw is None:
            yield Rejection(blob.name, _line_too_long(max_bytes), label)
            continue
        if not raw.strip():
            continue
        if not raw.endswith(b"\n") and blob.guard is not None and blob.guard.cut():
            return  # the half line before a cut: read_blob reports the cut itself
        try:
            line, warning = decode(raw)
            obj = json.loads(line)
        except RecursionError:
            yield Rejection(blob.name, "invalid JSON: nested too deeply to read", label)
            continue
        except ValueError as exc:
            yield Rejection(blob.name, f"invalid JSON: {str(exc).splitlines()[0]}", label)
            continue
        items = unwrap(obj)
        for j, item in enumerate(items):
            where = label if len(items) == 1 else f"{label} item {j}"
            result = record_boundary(blob.name, where, lambda: record_from_object(item, fmap, blob.name, where, max_bytes))
            if warning and isinstance(result, RawRecord):
                result.warnings.append(warning)
            yield result


def unwrap(doc: Any) -> list[Any]:
    """The articles in a JSON document: a list, a wrapper such as {"articles": [...]}, or one article."""
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        for key in ("articles", "items", "data", "results", "documents", "docs"):
            if isinstance(doc.get(key), list) and not any(doc.get(k) for k in ("text", "body", "content")):
                return doc[key]
    return [doc]


def read_json(blob: Blob, fmap: FieldMap, max_bytes: int, max_doc_bytes: int = 10 * 2**20) -> Iterator[RawRecord | Rejection]:
    text, warning = decode(blob.read(max_bytes))
    try:
        doc = json.loads(text)
    except RecursionError:
        yield Rejection(blob.name, "invalid JSON: nested too deeply to read")
        return
    except ValueError as exc:
        # A .json file that is really JSON Lines is common enough to accept.
        if text.lstrip().startswith("{") and "\n{" in text:
            yield from read_jsonl(Blob(blob.name, io.BufferedReader(io.BytesIO(text.encode("utf-8", "surrogatepass")))), fmap, max_doc_bytes)
            return
        yield Rejection(blob.name, f"invalid JSON: {str(exc).splitlines()[0]}")
        return
    del text  # the parsed document is all that is needed now
    for i, obj in enumerate(unwrap(doc)):
        where = f"item {i}"
        result = record_boundary(blob.name, where, lambda: record_from_object(obj, fmap, blob.name, where, max_doc_bytes))
        if warning and isinstance(result, RawRecord):
            result.warnings.append(warning)
        yield result


class _LineTooLong(Exception):
    def __init__(self, lineno: int):
        self.lineno = lineno


class _CsvLines:
    """The lines a csv reader reads, each capped at ``limit`` characters, remembering the lines of the
    row being read so a row that an unterminated quote ran to the end of the file can be read again.
    An iterator class, not a generator: raising _LineTooLong must leave it usable for the next row."""

    def __init__(self, text: io.TextIOBase, limit: int):
        self.text, self.limit = text, limit
        self.lineno = 0
        self.row: list[tuple[int, str]] = []
        self.row_chars = 0
        self.eof = False
        self.replay: deque[tuple[int, str]] = deque()

    def __iter__(self) -> "_CsvLines":
        return self

    def start_row(self) -> None:
        self.row, self.row_chars, self.eof = [], 0, False

    def __next__(self) -> str:
        if self.replay:
            lineno, line = self.replay.popleft()
        else:
            line, too_long = capped_readline(self.text, self.limit)
            if not line:
                self.eof = True
                raise StopIteration
            self.lineno += 1
            lineno = self.lineno
            if too_long:
                raise _LineTooLong(lineno)
        self.row_chars += len(line)
        if self.row_chars <= self.limit:  # past the limit the row is rejected anyway: keep no copy
            self.row.append((lineno, line))
        return line


_MAX_REREADS = 20  # unterminated quotes re-read per file; past this the rest of the file is one rejection


def read_csv(blob: Blob, fmap: FieldMap, max_bytes: int = 10 * 2**20) -> Iterator[RawRecord | Rejection]:
    csv.field_size_limit(max_bytes)
    head = blob.head
    try:
        head.decode("utf-8")
        encoding = "utf-8-sig"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the peek is still UTF-8.
        encoding = "utf-8-sig" if exc.start > len(head) - 4 else _guess_encoding(head)
    stream = io.TextIOWrapper(blob.stream, encoding=encoding, errors="replace", newline="")
    sample = head.decode(encoding, errors="ignore")
    delimiter = "\t" if blob.base_name.lower().endswith(".tsv") or sample.count("\t") > sample.count(",") else ","
    lines = _CsvLines(stream, max_bytes)
    reader = csv.reader(lines, delimiter=delimiter)
    header: list[str] | None = None
    rereads = 0
    while True:
        lines.start_row()
        try:
            row = next(reader)
        except StopIteration:
            return
        except _LineTooLong as exc:
            yield Rejection(blob.name, _line_too_long(max_bytes), f"line {exc.lineno}")
            continue
        except csv.Error as exc:
            first = lines.row[0][0] if lines.row else lines.lineno
            yield Rejection(blob.name, f"malformed CSV: {exc}", f"row at line {first}")
            continue
        first = lines.row[0][0] if lines.row else lines.lineno
        label = f"row {first}" if len(lines.row) <= 1 else f"row at lines {first}-{lines.row[-1][0]}"
        if len(lines.row) > 1 and header is not None and lines.row_chars <= max_bytes and (
                len(row) != len(header) or (lines.eof and "".join(line for _, line in lines.row).count('"') % 2)):
            # A row over several lines that does not fit the header, or that ran to the end of the file
            # with a quote open: a quote never closed swallowed the lines after it. Say so, and read
            # those lines again as rows.
            rereads += 1
            if rereads > _MAX_REREADS:
                yield Rejection(blob.name, f"more than {_MAX_REREADS} unterminated quotes; lines {first}-{lines.row[-1][0]} skipped",
                                f"line {first}")
                return
            yield Rejection(blob.name, f"unterminated quote: this row ran on over {len(lines.row)} lines; the "
                            f"{len(lines.row) - 1} line(s) after its first are read again as rows", f"line {first}")
            lines.replay.extend(lines.row[1:])
            continue
        if header is None:
            header = row
            continue
        if not any(cell.strip() for cell in row):
            continue
        if lines.row_chars > max_bytes:
            yield Rejection(blob.name, f"record larger than {max_bytes / 2**20:.0f} MB (raise --max-doc-mb)", label)
            continue
        obj: dict[str, Any] = dict(zip(header, row))
        yield record_boundary(blob.name, label, lambda: record_from_object(obj, fmap, blob.name, label, max_bytes))


def _guess_encoding(head: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    return best.encoding if best else "utf-8"
