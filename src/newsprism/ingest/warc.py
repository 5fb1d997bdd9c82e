"""WARC files (warcio), e.g. a Common Crawl News segment: each HTML response record is one page."""

from __future__ import annotations

from typing import Iterator

from ..model import RawRecord, Rejection
from .html import extract_page
from .sniff import decode
from .sources import Blob


def read_warc(blob: Blob, max_bytes: int) -> Iterator[RawRecord | Rejection]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    count = 0
    iterator = ArchiveIterator(blob.stream)
    try:
        for rec in iterator:
            if rec.rec_type != "response":
                continue
            count += 1
            uri = rec.rec_headers.get_header("WARC-Target-URI")
            label = uri or f"record {count}"
            ctype = (rec.http_headers.get_header("Content-Type") if rec.http_headers else "") or ""
            if "html" not in ctype.lower():
                continue  # images, scripts, robots.txt: not articles, and not errors either
            status = rec.http_headers.get_statuscode() if rec.http_headers else "200"
            if not str(status).startswith("2"):
                continue
            payload = rec.content_stream().read(max_bytes + 1)
            if len(payload) > max_bytes:
                yield Rejection(blob.name, f"page larger than {max_bytes // 10**6} MB", label)
                continue
            page, _ = decode(payload)
            result = extract_page(page, blob.name, uri, record=label)
            if isinstance(result, RawRecord):
                result.extra["crawled"] = rec.rec_headers.get_header("WARC-Date")
            yield result
    except ArchiveLoadFailed as exc:
        offset = iterator.get_record_offset() if hasattr(iterator, "get_record_offset") else "?"
        yield Rejection(blob.name, f"malformed WARC record at offset {offset}: {str(exc).splitlines()[0]}; rest of file skipped")
