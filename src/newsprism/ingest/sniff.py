"""Recognise an input's format from its content first and its file name second, and decode its text."""

from __future__ import annotations

import codecs
import re

from .sources import Blob

FORMATS = ("text", "jsonl", "json", "csv", "html", "feed", "warc", "reuters-sgml")

_EXT = {
    ".txt": "text", ".text": "text", ".md": "text",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
    ".csv": "csv", ".tsv": "csv",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".rss": "feed", ".atom": "feed",
    ".warc": "warc", ".arc": "warc",
    ".sgm": "reuters-sgml", ".sgml": "reuters-sgml",
}

# Magic numbers of common binary files, so a rejection can say what the file actually is.
_MAGIC = [
    (b"%PDF", "PDF document"), (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"), (b"PK\x03\x04", "zip-based office document"), (b"\x7fELF", "executable"),
    (b"SQLite format 3", "SQLite database"), (b"\xd0\xcf\x11\xe0", "MS Office document"),
    (b"RIFF", "RIFF media file"), (b"ID3", "MP3 audio"), (b"\x00\x00\x00", "binary data"),
]


_CONTROL_BYTES = bytes(b for b in range(32) if not 9 <= b <= 13)


class FormatError(Exception):
    """The blob is not something newsprism reads; the message says what it is instead."""


def binary_kind(head: bytes) -> str | None:
    """Name the binary kind of a blob, or None if it looks like text."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return None  # UTF-16 with a BOM is text with NULs
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    sample = head[:4096]
    # A stray NUL or two is damage inside a text (cleaned away later); many are a binary file or
    # UTF-16 without a byte order mark.
    if sample.count(b"\x00") > max(2, len(sample) // 100):
        return "contains NUL bytes"
    # Control bytes other than whitespace are rare in any text encoding.
    ctrl = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if sample and ctrl / len(sample) > 0.05:
        return "control bytes"
    return None


def sniff(blob: Blob) -> str:
    head = blob.head
    if not head:
        raise FormatError("empty file")
    if head.startswith(b"WARC/"):
        return "warc"
    kind = binary_kind(head)
    if kind:
        raise FormatError(f"binary file ({kind}), not an article format newsprism reads")
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    lower = text[:2048].lower()
    if lower.startswith("<reuters") or "<reuters " in lower[:600]:
        return "reuters-sgml"
    if lower.startswith("<?xml") or lower.startswith("<rss") or lower.startswith("<feed") or lower.startswith("<rdf"):
        if re.search(r"<(rss|feed|rdf:rdf)\b", lower):
            return "feed"
        if "<html" in lower:
            return "html"
    if lower.startswith("<!doctype html") or lower.startswith("<html") or re.match(r"<(head|body|meta|div|p)\b", lower):
        return "html"
    if text.startswith("{"):
        return "jsonl" if _first_line_is_object(text) else "json"
    if text.startswith("["):
        return "json"
    suffix = "." + blob.base_name.rsplit(".", 1)[-1].lower() if "." in blob.base_name else ""
    if suffix in _EXT:
        return _EXT[suffix]
    if blob.content_type:
        ctype = blob.content_type.lower()
        if "html" in ctype:
            return "html"
        if "xml" in ctype or "rss" in ctype or "atom" in ctype:
            return "feed"
        if "json" in ctype:
            return "json"
    return "text"


def _first_line_is_object(text: str) -> bool:
    first = text.split("\n", 1)[0].strip()
    if not first.endswith("}"):
        return False
    import json

    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


def _cp1252_fallback(err: UnicodeDecodeError) -> tuple[str, int]:
    bad = err.object[err.start : err.end]
    return bad.decode("cp1252", errors="replace"), err.end


codecs.register_error("newsprism-cp1252", _cp1252_fallback)


class DecodeError(Exception):
    pass


def _as_cp1252(data: bytes) -> str | None:
    """cp1252 when the text reads as Latin-script prose with sparse accents, the commonest legacy case.

    Charset detectors often pick cp1250 or latin-1 for such text; Cyrillic or Greek single-byte text
    read as cp1252 instead turns into dense runs of accented letters and is left to the detector.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = sum(1 for ch in text if ch.isalpha())
    accented = sum(1 for ch in text if ch.isalpha() and ord(ch) > 127)
    return text if letters and accented / letters < 0.4 else None


def decode(data: bytes) -> tuple[str, str | None]:
    """Decode bytes to text. Returns the text and a warning when it was not plain UTF-8.

    UTF-8 is tried first (it is by far the most common and the check is fast); a BOM wins;
    otherwise the few bytes that are not UTF-8 decide: sparse bad bytes in UTF-8 text are a
    mixed file (read those bytes as cp1252), anything else goes to charset detection
    (cp1252, GB18030, Shift-JIS, ...).
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "decoded as UTF-16"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    valid_multibyte = len(re.findall(rb"[\xc2-\xf4][\x80-\xbf]+", data))
    if valid_multibyte:
        # Some real UTF-8 sequences and some that are not: a mixed file.
        text = data.decode("utf-8", errors="newsprism-cp1252")
        bad = sum(1 for _ in re.finditer(rb"[\x80-\xff]", data)) - valid_multibyte
        if bad <= max(8, valid_multibyte):
            return text, f"mixed encodings: mostly UTF-8, non-UTF-8 bytes from offset {first_bad} read as cp1252"
    latin = _as_cp1252(data)
    if latin is not None:
        return latin, "decoded as cp1252 (not UTF-8)"
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise DecodeError(f"undecodable text: not UTF-8 (first bad byte at offset {first_bad}) and no other encoding fits")
    encoding = best.encoding
    try:
        return data.decode(encoding), f"decoded as {encoding} (not UTF-8)"
    except UnicodeDecodeError:
        return data.decode(encoding, errors="replace"), f"decoded as {encoding} with some undecodable bytes replaced"
