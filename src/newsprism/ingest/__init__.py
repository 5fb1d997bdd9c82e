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
from .sources import READ_ERRORS, Blob, describe_error, expand
from .text import read_text
from .warc import read_warc

__all__ = ["IngestOptions", "FieldMap", "read_inputs", "read_blob", "Blob"]


@dataclass
class IngestOptions:
    fields: FieldMap = field(default_factory=FieldMap)
    max_doc_bytes: int = 10 * 1024 * 1024
    allow_private_urls: bool = False
    # Force a format instead of sniffing (one of sniff.FORMATS), for odd file names on stdin.
    format: str | None = None


def read_blob(blob: Blob, opts: IngestOptions) -> Iterator[RawRecord | Rejection]:
    """Records of one blob. Errors while reading end this blob only, after what it already yielded."""
    yielded = 0
    try:
        fmt = opts.format or sniff(blob)
        if fmt == "jsonl":
            reader = read_jsonl(blob, opts.fields)
        elif fmt == "json":
            reader = read_json(blob, opts.fields, opts.max_doc_bytes * 20)
        elif fmt == "csv":
            reader = read_csv(blob, opts.fields)
        elif fmt == "html":
            reader = read_html(blob, opts.max_doc_bytes)
        elif fmt == "feed":
            reader = read_feed(blob, opts.max_doc_bytes)
        elif fmt == "warc":
            reader = read_warc(blob, opts.max_doc_bytes)
        elif fmt == "reuters-sgml":
            reader = read_reuters_sgml(blob, opts.max_doc_bytes * 20)
        else:
            reader = read_text(blob, opts.max_doc_bytes)
        for item in reader:
            yielded += 1
            yield item
    except (FormatError, DecodeError) as exc:
        yield Rejection(blob.name, str(exc))
    except READ_ERRORS as exc:
        after = f" after {yielded} record(s); those were kept" if yielded else ""
        yield Rejection(blob.name, describe_error(exc) + after)


def read_inputs(targets: Iterable[str], opts: IngestOptions | None = None) -> Iterator[RawRecord | Rejection]:
    opts = opts or IngestOptions()
    for target in targets:
        for blob in expand(target, opts.allow_private_urls):
            if isinstance(blob, tuple):
                yield Rejection(blob[0], blob[1])
            else:
                yield from read_blob(blob, opts)
