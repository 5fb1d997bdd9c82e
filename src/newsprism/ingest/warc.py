"""WARC files (warcio), e.g. a Common Crawl News segment: each HTML response record is one page."""

from __future__ import annotations

from typing import Iterator

from ..model import RawRecord, Rejection
from .html import extract_page
from .sniff import decode
from .sources import Blob, one_line, record_boundary


def read_warc(blob: Blob, max_bytes: int) -> Iterator[RawRecord | Rejection]:
    from warcio.archiveiterator import ArchiveIterator

    count = 0
    iterator = ArchiveIterator(blob.stream)
    try:
        for rec in iterator:
            count += 1
            if rec.rec_type is None or rec.rec_headers.get_header("WARC-Record-ID") is None:
                yield Rejection(blob.name, "WARC record cut inside its header (the file ends early)", f"record {count}")
                return
            if rec.rec_type != "response":
                continue
            uri = rec.rec_headers.get_header("WARC-Target-URI")
            label = uri or f"record {count}"
            result = record_boundary(blob.name, label, lambda: _page(rec, blob.name, uri, label, max_bytes))  # type: ignore[arg-type, return-value]
            if result is not None:
                yield result
    except Exception as exc:  # noqa: BLE001 - warcio raises many kinds on a damaged file; the records before stay
        offset = iterator.get_record_offset() if hasattr(iterator, "get_record_offset") else "?"
        yield Rejection(blob.name, f"malformed WARC record at offset {offset}: {one_line(exc) or type(exc).__name__}; "
                        "rest of file skipped")


def _page(rec, origin: str, uri: str | None, label: str, max_bytes: int) -> RawRecord | Rejection | None:
    ctype = (rec.http_headers.get_header("Content-Type") if rec.http_headers else "") or ""
    if "html" not in ctype.lower():
        return None  # images, scripts, robots.txt: not articles, and not errors either
    status = rec.http_headers.get_statuscode() if rec.http_headers else "200"
    if not str(status).startswith("2"):
        return None
    payload = rec.content_stream().read(max_bytes + 1)
    if len(payload) > max_bytes:
        return Rejection(origin, f"page larger than {max_bytes // 10**6} MB", label)
    if getattr(rec.raw_stream, "limit", 0) > 0:
        # The record says it is longer than what the file holds: a cut page is not stored as whole.
        return Rejection(origin, f"WARC record cut short: {rec.raw_stream.limit} of its bytes are missing (the file ends early)", label)
    page, _ = decode(payload)
    result = extract_page(page, origin, uri, record=label)
    if isinstance(result, RawRecord):
        result.extra["crawled"] = rec.rec_headers.get_header("WARC-Date")
    return result
