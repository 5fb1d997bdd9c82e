"""Structured records: JSON Lines (streamed), JSON documents and CSV/TSV, with a configurable field mapping.

By default each field is looked up under the names common in news datasets and APIs
(``text``/``body``/``content``, ``published``/``date``, ...); ``FieldMap`` overrides them, e.g.
``--field text=maintext --field published=date_publish`` on the command line.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from dataclasses import dataclass, field
from typing import Any, Iterator

from ..model import RawRecord, Rejection
from .html import fragment_to_text, looks_like_html
from .sniff import decode
from .sources import Blob

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
    if value is None:
        return None
    if isinstance(value, dict):  # e.g. {"source": {"name": "BBC", "id": "bbc"}}
        value = value.get("name") or value.get("title") or value.get("id")
    if isinstance(value, list):
        value = "\n\n".join(str(v) for v in value if v)
    value = str(value).strip()
    return value or None


def record_from_object(obj: Any, fmap: FieldMap, origin: str, label: str) -> RawRecord | Rejection:
    if not isinstance(obj, dict):
        return Rejection(origin, f"expected a JSON object, got {type(obj).__name__}", label)
    text = _as_str(fmap.get(obj, "text"))
    title = _as_str(fmap.get(obj, "title"))
    if not text and title:
        text = title
        warning = "no body text; the title stands in for it"
    else:
        warning = None
    if not text:
        wanted = fmap.explicit.get("text") or "/".join(n for n in DEFAULT_NAMES["text"] if n not in _TEXT_FALLBACK_ONLY)
        present = ", ".join(sorted(map(str, obj))[:12]) or "none"
        return Rejection(origin, f"missing required field 'text' (looked for {wanted}; fields present: {present})", label)
    if looks_like_html(text):
        text = fragment_to_text(text)
    used = {fmap.explicit.get(k, "") for k in DEFAULT_NAMES}
    extra = {k: v for k, v in obj.items() if k in ("story", "author", "authors", "category", "tags") and k not in used}
    published = fmap.get(obj, "published")
    if isinstance(published, (int, float)):
        from datetime import datetime, timezone

        stamp = published / 1000 if published > 1e11 else published  # epoch seconds or milliseconds
        published = datetime.fromtimestamp(stamp, tz=timezone.utc).isoformat()
    return RawRecord(
        text=text,
        warnings=[warning] if warning else [],
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


def read_jsonl(blob: Blob, fmap: FieldMap) -> Iterator[RawRecord | Rejection]:
    for lineno, raw in enumerate(blob.stream, start=1):
        if not raw.strip():
            continue
        label = f"line {lineno}"
        try:
            line, warning = decode(raw)
            obj = json.loads(line)
        except ValueError as exc:
            yield Rejection(blob.name, f"invalid JSON: {str(exc).splitlines()[0]}", label)
            continue
        items = unwrap(obj)
        for j, item in enumerate(items):
            result = record_from_object(item, fmap, blob.name, label if len(items) == 1 else f"{label} item {j}")
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


def read_json(blob: Blob, fmap: FieldMap, max_bytes: int) -> Iterator[RawRecord | Rejection]:
    text, warning = decode(blob.read(max_bytes))
    try:
        doc = json.loads(text)
    except ValueError as exc:
        # A .json file that is really JSON Lines is common enough to accept.
        if text.lstrip().startswith("{") and "\n{" in text:
            yield from read_jsonl(Blob(blob.name, io.BufferedReader(io.BytesIO(text.encode()))), fmap)
            return
        yield Rejection(blob.name, f"invalid JSON: {str(exc).splitlines()[0]}")
        return
    for i, obj in enumerate(unwrap(doc)):
        result = record_from_object(obj, fmap, blob.name, f"item {i}")
        if warning and isinstance(result, RawRecord):
            result.warnings.append(warning)
        yield result


def read_csv(blob: Blob, fmap: FieldMap) -> Iterator[RawRecord | Rejection]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
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
    reader = csv.DictReader(stream, delimiter=delimiter)
    try:
        for i, row in enumerate(reader, start=2):  # line 1 is the header
            yield record_from_object(row, fmap, blob.name, f"row {i}")
    except csv.Error as exc:
        yield Rejection(blob.name, f"malformed CSV: {exc}", f"row {reader.line_num}")


def _guess_encoding(head: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    return best.encoding if best else "utf-8"
