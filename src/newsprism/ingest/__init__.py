"""Ingest: read any supported input into ``RawRecord``s, and say why for whatever cannot be read.

``read_inputs`` is the whole stage: targets (paths, directories, archives, ``-``, URLs) in,
records and rejections out, streamed. One bad file or record never stops the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator

from ..model import RawRecord, Rejection
from .feed import read_feed
from .html import read_html
from .records import FieldMap, read_csv, read_json, read_jsonl
from .sgml import read_reuters_sgml
from .sniff import DecodeError, FormatError, sniff
from .sources import DEFAULT_EXPANDED_BYTES, READ_ERRORS, Blob, describe_error, expand, one_line
from .text import read_text
from .warc import read_warc

__all__ = ["IngestOptions", "FieldMap", "read_inputs", "read_blob", "Blob"]


@dataclass
class IngestOptions:
    fields: FieldMap = field(default_factory=FieldMap)
    # One article file, one JSON Lines line, one CSV record, one WARC page: past this, rejected unread.
    max_doc_bytes: int = 10 * 1024 * 1024
    # What one file or archive member may expand to when decompressed or unpacked (bombs; time).
    max_expanded_bytes: int = DEFAULT_EXPANDED_BYTES
    allow_private_urls: bool = False
    # Force a format instead of sniffing (one of sniff.FORMATS), for odd file names on stdin.
    format: str | None = None
    # Publication dates outside [earliest_date, today + future_days] are kept as metadata, not used.
    earliest_date: str = "1800-01-01"
    future_days: int = 2

    @property
    def max_document_bytes(self) -> int:
        """A whole JSON document or SGML file is parsed at once: a few articles' worth, so memory stays bounded."""
        return self.max_doc_bytes * 5


def read_blob(blob: Blob, opts: IngestOptions) -> Iterator[RawRecord | Rejection]:
    """Records of one blob. Errors while reading end this blob only, after what it already yielded;
    a record's own errors end that record only (``record_boundary`` in each reader)."""
    yielded = 0
    try:
        fmt = opts.format or sniff(blob)
        if fmt == "jsonl":
            reader = read_jsonl(blob, opts.fields, opts.max_doc_bytes)
        elif fmt == "json":
            reader = read_json(blob, opts.fields, opts.max_document_bytes, opts.max_doc_bytes)
        elif fmt == "csv":
            reader = read_csv(blob, opts.fields, opts.max_doc_bytes)
        elif fmt == "html":
            reader = read_html(blob, opts.max_doc_bytes)
        elif fmt == "feed":
            reader = read_feed(blob, opts.max_doc_bytes)
        elif fmt == "warc":
            reader = read_warc(blob, opts.max_doc_bytes)
        elif fmt == "reuters-sgml":
            reader = read_reuters_sgml(blob, opts.max_document_bytes)
        else:
            reader = read_text(blob, opts.max_doc_bytes)
        for item in reader:
            yielded += isinstance(item, RawRecord)
            yield item
    except (FormatError, DecodeError) as exc:
        yield Rejection(blob.name, str(exc))
        return
    except READ_ERRORS as exc:
        yield Rejection(blob.name, describe_error(exc) + _kept(yielded))
        return
    except RecursionError:
        yield Rejection(blob.name, "nested too deeply to read" + _kept(yielded))
        return
    except Exception as exc:  # noqa: BLE001 - a reader tripped on a hostile file: that file's rejection, not the run's end
        yield Rejection(blob.name, f"unreadable ({type(exc).__name__}: {one_line(exc)})" + _kept(yielded))
        return
    cut = blob.guard.cut() if blob.guard else None
    if cut:
        yield Rejection(blob.name, f"{cut}: the file ends early" + _kept(yielded))


def _kept(records: int) -> str:
    return f" after {records} record(s); those were kept" if records else ""


def read_inputs(targets: Iterable[str], opts: IngestOptions | None = None) -> Iterator[RawRecord | Rejection]:
    opts = opts or IngestOptions()
    for target in targets:
        for blob in expand(target, opts.allow_private_urls, opts.max_expanded_bytes):
            if isinstance(blob, tuple):
                yield Rejection(blob[0], blob[1])
            else:
                yield from read_blob(blob, opts)
