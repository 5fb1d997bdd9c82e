"""Property-based tests (hypothesis): whatever bytes or records arrive, nothing raises past the record
boundary, and every date that normalization keeps lies in the window."""

from __future__ import annotations

import io
import json
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsprism.ingest import IngestOptions, read_blob
from newsprism.ingest.sources import Blob
from newsprism.model import RawRecord, Rejection
from newsprism.ingest.normalize import NormalizeContext, normalize, parse_date

FORMATS = ["text", "jsonl", "json", "csv", "html", "feed", "warc", "reuters-sgml"]
OPTS = {fmt: IngestOptions(format=fmt, max_doc_bytes=2**16) for fmt in FORMATS}
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _read(data: bytes, fmt: str, name: str = "fuzz") -> list:
    blob = Blob(name=name, stream=io.BufferedReader(io.BytesIO(data)))
    return list(read_blob(blob, OPTS[fmt]))


# Bytes that look a little like each format, so the fuzzing reaches past the first check.
_PREFIXES = {"jsonl": b'{"text": ', "json": b'[{"text": ', "csv": b"title,text\n", "html": b"<html><body><p>",
             "feed": b'<?xml version="1.0"?><rss><channel><item><title>', "warc": b"WARC/1.0\r\n",
             "reuters-sgml": b'<REUTERS NEWID="1"><BODY>', "text": b""}


@SETTINGS
@given(fmt=st.sampled_from(FORMATS), body=st.binary(max_size=600))
def test_any_bytes_in_any_format_give_records_or_rejections_never_an_exception(fmt, body):
    for item in _read(_PREFIXES[fmt] + body, fmt):
        assert isinstance(item, (RawRecord, Rejection))
        if isinstance(item, Rejection):
            assert item.origin == "fuzz" and item.reason


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
_FIELDS = st.sampled_from(["text", "title", "published", "date", "source", "url", "id", "lang", "body", "story"])


@SETTINGS
@given(rows=st.lists(st.dictionaries(_FIELDS, _JSON_VALUES, max_size=6), min_size=1, max_size=5))
def test_arbitrary_json_records_never_escape_their_boundary_and_normalize_or_reject(rows):
    data = "\n".join(json.dumps(r) for r in rows).encode("utf-8", "surrogatepass") + b"\n"
    ctx = NormalizeContext(today=date(2026, 12, 2))
    for item in _read(data, "jsonl"):
        if isinstance(item, RawRecord):
            try:
                art = normalize(item, ctx)
            except ValueError:
                continue  # empty after cleaning: a rejection in the pipeline
            if art.published:
                assert ctx.plausible(art.published)
            art.text.encode("utf-8")


@SETTINGS
@given(value=st.text(max_size=40) | st.from_regex(r"-?\d{1,6}(-\d{1,3}(-\d{1,3}(T\d{1,2}:\d{2}(:\d{2})?([+-]\d{2}:?\d{2}|Z)?)?)?)?",
                                                  fullmatch=True))
def test_parse_date_returns_a_value_and_a_known_precision_or_none(value):
    parsed = parse_date(value)
    assert parsed is None or (isinstance(parsed[0], str) and parsed[1] in ("datetime", "day", "month", "year"))


@SETTINGS
@given(text=st.text(min_size=1, max_size=200), title=st.none() | st.text(max_size=40), published=st.none() | st.text(max_size=30),
       url=st.none() | st.text(max_size=40))
def test_normalize_rejects_only_with_value_error(text, title, published, url):
    try:
        art = normalize(RawRecord(text=text, title=title, published=published, url=url, origin="f"), NormalizeContext())
    except ValueError:
        return
    assert art.text and all(0 <= a < b <= len(art.text) for a, b in art.sentences)
