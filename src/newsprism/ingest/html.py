"""HTML pages: main text, title, date and site name through trafilatura (which uses htmldate)."""

from __future__ import annotations

import html as htmllib
import re
from typing import Iterator

from ..model import RawRecord, Rejection
from .sniff import decode
from .sources import Blob

_TAG = re.compile(r"<[^>]+>")
_BLOCK = re.compile(r"</?(p|div|br|li|h[1-6]|blockquote|tr)\b[^>]*>", re.IGNORECASE)


def fragment_to_text(fragment: str) -> str:
    """Text of a small HTML fragment (a feed summary, a JSON body field): blocks become line breaks."""
    if "<" not in fragment and "&" not in fragment:
        return fragment
    text = _BLOCK.sub("\n", fragment)
    text = _TAG.sub("", text)
    return htmllib.unescape(text)


def looks_like_html(text: str) -> bool:
    return bool(re.search(r"</(p|div|span|a|b|i|em|strong|br)>|<br\s*/?>", text[:5000], re.IGNORECASE))


def extract_page(page: str, origin: str, url: str | None = None, record: str | None = None) -> RawRecord | Rejection:
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(page, url=url, with_metadata=True, include_comments=False)
        doc = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else doc
    except ImportError:
        raise  # a broken installation, not a broken page
    except Exception as exc:  # trafilatura raises a variety of parser errors on broken markup
        return Rejection(origin, f"malformed HTML: {type(exc).__name__}: {exc}", record)
    words = len((doc or {}).get("text", "").split()) if doc else 0
    if words < 5:  # navigation-only pages yield a stray word or two ("Home")
        return Rejection(origin, f"no article text found in the HTML page ({words} words)", record)
    return RawRecord(
        text=doc["text"],
        origin=origin,
        record=record,
        title=doc.get("title"),
        source=doc.get("sitename") or None,
        url=url or doc.get("url"),
        published=doc.get("date"),
        lang=doc.get("language"),
        extra={k: doc[k] for k in ("author", "description") if doc.get(k)},
    )


def read_html(blob: Blob, max_bytes: int) -> Iterator[RawRecord | Rejection]:
    page, warning = decode(blob.read(max_bytes))
    result = extract_page(page, blob.name, blob.url)
    if warning and isinstance(result, RawRecord):
        result.warnings.append(warning)
    yield result
