"""Inputs from the open web: each bad record is its own rejection, good records around it are kept,
and nothing expands into memory. Each test reproduces a defect class of the hardening issue."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
import zlib

import pytest
from tests.conftest import records, write_jsonl

from newsprism.ingest import IngestOptions
from newsprism.pipeline import ingest


def good(n: int) -> dict:
    return {"title": f"Pier {n}", "text": f"The harbour authority reopened pier {n} on Tuesday after repairs to its deck.",
            "published": "2024-05-02"}


BAD_JSONL = {
    "deep nesting": '{"text": ' + "[" * 10000 + "]" * 10000 + "}",
    "month 13": json.dumps({"text": "A report about the harbour in month thirteen.", "published": "2023-13"}),
    "month 0": json.dumps({"text": "A report about the harbour in month zero.", "published": "2023-00"}),
    "epoch -1e15": '{"text": "A report stamped long before any calendar.", "published": -1e15}',
    "epoch 10**400": '{"text": "A report stamped at infinity.", "published": 1' + "0" * 400 + "}",
    "epoch NaN": '{"text": "A report stamped with no number.", "published": NaN}',
    "lone surrogate, no lang": '{"text": "A report with a lone surrogate \\ud800 inside it, about the harbour."}',
    "dict text": '{"text": {"html": "<p>x</p>"}}',
}


@pytest.mark.parametrize("bad", BAD_JSONL.values(), ids=BAD_JSONL.keys())
def test_one_bad_jsonl_record_is_rejected_and_its_neighbours_are_stored(tmp_path, store, bad):
    path = tmp_path / "mixed.jsonl"
    path.write_text(json.dumps(good(1)) + "\n" + bad + "\n" + json.dumps(good(2)) + "\n", encoding="utf-8", errors="surrogatepass")
    report = ingest([str(path)], store)
    stored = {a.title for a in store.iter_articles()}
    assert {"Pier 1", "Pier 2"} <= stored
    for rej in report.rejected:
        assert rej.origin == str(path) and rej.record == "line 2" and rej.reason
    assert report.exit_code in (0, 1)


def test_bad_dates_are_warnings_not_rejections(tmp_path, store):
    rows = [{"text": f"Report {k} about the harbour reopening its pier.", "published": p}
            for k, p in enumerate(["2023-13", "-1e15", "0001-01-01", "9999-12-31", "2023-05-04T10:00:00+99:99"])]
    report = ingest([str(write_jsonl(tmp_path / "dates.jsonl", rows))], store)
    assert report.new == 5 and not report.rejected
    assert all(a.published is None and a.date_provenance == "none" for a in store.iter_articles())


def test_an_epoch_beyond_calendars_on_line_2_does_not_end_the_file(tmp_path, store):
    lines = [json.dumps(good(1)), '{"text": "Stamped 1e20 seconds after the epoch.", "published": 1e20}',
             json.dumps(good(2)), json.dumps(good(3))]
    path = tmp_path / "e20.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = ingest([str(path)], store)
    assert report.new == 4 and not report.rejected
    assert any("no epoch time" in w for w in report.warnings)


def test_a_batch_the_store_refuses_is_stored_one_article_at_a_time(tmp_path, store):
    """Whatever slips past the readers and the store refuses takes no good article with it, even
    from an earlier file of the same batch."""
    real = store.upsert_articles

    def picky(articles, rejections=()):
        articles = list(articles)
        if any("POISON" in a.text for a in articles):
            raise ValueError("the store refuses this article")
        return real(articles, rejections)

    store.upsert_articles = picky
    first = write_jsonl(tmp_path / "first.jsonl", [good(1), good(2)])
    second = write_jsonl(tmp_path / "second.jsonl", [{"text": "A POISON article the store cannot take."}, good(3)])
    report = ingest([str(first), str(second)], store)
    assert report.new == 3 and len(report.rejected) == 1
    assert report.rejected[0].origin == str(second) and "could not be stored" in report.rejected[0].reason
    assert [r["origin"] for r in store.rejections()] == [str(second)]


def test_dict_valued_text_is_rejected_naming_the_field_never_stored_as_none(tmp_path):
    recs, rej = records([write_jsonl(tmp_path / "d.jsonl", [{"text": {"html": "<p>x</p>"}}, {"text": "fine", "source": {"x": 1}}])])
    assert "field 'text' holds an object" in rej[0].reason and rej[0].record == "line 1"
    assert recs[0].source is None  # an object with no name is no outlet, not "None"


# --- memory: caps on what is expanded --------------------------------------------------------------------

def _spaces_gz(size: int, prefix: bytes = b"", suffix: bytes = b"") -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [comp.compress(prefix)] + [comp.compress(b" " * 2**20) for _ in range(size // 2**20)]
    return b"".join([*parts, comp.compress(suffix), comp.flush()])


def test_a_long_jsonl_line_is_rejected_without_being_held_and_the_next_line_is_read(tmp_path):
    path = tmp_path / "long.jsonl.gz"
    path.write_bytes(_spaces_gz(24 * 2**20, suffix=b"\n" + json.dumps(good(1)).encode() + b"\n"))
    recs, rej = records([path], max_doc_bytes=2**20)
    assert [r.title for r in recs] == ["Pier 1"]
    assert rej[0].record == "line 1" and "line longer than 1 MB" in rej[0].reason


def test_expansion_past_the_limit_is_refused(tmp_path):
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(_spaces_gz(8 * 2**20))
    recs, rej = records([path], max_expanded_bytes=2**20)
    assert not recs and "expands past 1 MiB" in rej[0].reason


def test_a_huge_csv_field_is_rejected_and_the_rows_after_it_read(tmp_path):
    path = tmp_path / "big.csv.gz"
    body = b'title,text\n"Huge","' + b"x" * (3 * 2**20) + b'"\n"Pier 2","The harbour reopened pier 2 on Tuesday."\n'
    path.write_bytes(gzip.compress(body))
    recs, rej = records([path], max_doc_bytes=2**20)
    assert [r.title for r in recs] == ["Pier 2"]
    assert rej and all(r.origin == str(path) for r in rej)


def test_a_zip_inside_gzip_is_spooled_not_read_into_memory(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.jsonl", json.dumps(good(1)) + "\n")
        zf.writestr("b.txt", "The harbour reopened pier 2 on Tuesday after repairs.")
    path = tmp_path / "bundle.zip.gz"
    path.write_bytes(gzip.compress(buf.getvalue()))
    recs, rej = records([path])
    assert not rej and [r.origin.rsplit("!", 1)[-1] for r in recs] == ["a.jsonl", "b.txt"]


def test_a_jsonl_record_larger_than_max_doc_is_rejected(tmp_path):
    path = write_jsonl(tmp_path / "big.jsonl", [{"text": "word " * 300_000}, good(1)])
    recs, rej = records([path], max_doc_bytes=2**20)
    assert [r.title for r in recs] == ["Pier 1"] and rej[0].record == "line 1"


# --- smaller losses ---------------------------------------------------------------------------------------

def test_csv_unterminated_quote_rejects_its_row_and_reads_the_rows_after_it(tmp_path):
    path = tmp_path / "u.csv"
    path.write_text('title,text\n"A","First row about the pier."\n"B","this quote never closes\n"C","Third row about the pier."\n'
                    '"D","Fourth row about the pier."\n', encoding="utf-8")
    recs, rej = records([path])
    assert [r.title for r in recs] == ["A", "C", "D"]
    assert len(rej) == 1 and "unterminated quote" in rej[0].reason and rej[0].record == "line 3"


def _warc(n: int) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    for i in range(n):
        body = f"<html><body><article><p>{'The harbour reopened its pier after repairs. ' * 20} Page {i}.</p></article></body></html>"
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(f"https://news.example/{i}", "response", payload=io.BytesIO(body.encode()),
                                                      http_headers=http))
    return buf.getvalue()


@pytest.mark.parametrize("into", [600, 20], ids=["payload", "header"])
def test_a_cut_warc_keeps_whole_pages_and_reports_the_cut_one(tmp_path, into):
    data = _warc(3)
    third = [i for i in range(len(data)) if data.startswith(b"WARC/1", i)][2]
    path = tmp_path / "cut.warc"
    path.write_bytes(data[: third + into])
    recs, rej = records([path])
    assert [r.url for r in recs] == ["https://news.example/0", "https://news.example/1"]
    assert len(rej) == 1 and "cut" in rej[0].reason and "ends early" in rej[0].reason


def test_a_small_truncated_gzip_keeps_the_records_before_the_cut(tmp_path):
    streams = [gzip.compress((json.dumps(good(i)) + "\n").encode()) for i in range(6)]
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(b"".join(streams[:4]) + streams[4][:20])
    recs, rej = records([path])
    assert [r.title for r in recs] == ["Pier 0", "Pier 1", "Pier 2", "Pier 3"]
    assert len(rej) == 1 and "ends early after 4 record(s)" in rej[0].reason


def test_unclosed_reuters_stories_are_rejected_one_by_one_and_a_closed_one_read(tmp_path):
    story = '<REUTERS NEWID="{n}"><TEXT><TITLE>T{n}</TITLE><BODY>cocoa prices rose</BODY></TEXT>\n'
    closed = '<REUTERS NEWID="99"><TEXT><TITLE>Closed</TITLE><BODY>Cocoa prices fell on Friday.</BODY></TEXT></REUTERS>\n'
    path = tmp_path / "open.sgm"
    path.write_text("".join(story.format(n=i) for i in range(500)) + closed, encoding="utf-8")
    recs, rej = records([path])
    assert [r.title for r in recs] == ["Closed"]
    assert len(rej) == 500 and rej[0].record == "story 1" and "not closed" in rej[0].reason


def test_an_empty_text_file_is_exit_3_and_never_already_stored(cli, tmp_path):
    (tmp_path / "blank.txt").write_text("\n \n", encoding="utf-8")
    code, out, err = cli("ingest", str(tmp_path / "blank.txt"))
    assert code == 3 and "already stored" not in out
    assert "empty after cleaning" in err


def test_a_stray_nul_is_damage_inside_text_not_a_binary_file(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_text('title,text\n"A","text with \x00 a NUL inside it"\n', encoding="utf-8")
    recs, rej = records([path])
    assert not rej and recs[0].title == "A"


def test_ingest_limits_are_options(cli, tmp_path):
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(_spaces_gz(4 * 2**20))
    code, _out, err = cli("ingest", str(path), "--max-expanded-mb", "1")
    assert code == 3 and "expands past 1 MiB" in err
    options = IngestOptions()
    assert options.max_doc_bytes == 10 * 2**20 and options.max_document_bytes == 50 * 2**20
