"""Each reader on a small fixture: what it takes from the input, and what it refuses."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile

from tests.conftest import FIXTURES, records, write_jsonl

from newsprism.ingest.records import FieldMap


def test_text_with_header_date_strips_the_header():
    recs, rej = records([FIXTURES / "header_date.txt"])
    assert not rej
    assert recs[0].header_date == "2026-03-05"
    assert recs[0].text.startswith("About 6,000 dockworkers")


def test_text_front_matter_fills_fields():
    (rec,), _ = records([FIXTURES / "wire_note.txt"])
    assert (rec.title, rec.source, rec.header_date, rec.lang) == ("Chengdu opens airport metro line", "Meridian Daily", "2026-03-20", "en")
    assert rec.text.startswith("The Chinese city of Chengdu")


def test_jsonl_default_names_and_missing_text_rejected_with_reason(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [
        {"id": "a1", "headline": "Quake in Peru", "body": "A quake struck Arequipa.", "date": "2026-03-08", "outlet": "Meridian Daily"},
        {"id": "a2", "author": "nobody"},
        {"id": "a3", "title": "Only a title"},
    ])
    recs, rej = records([path])
    assert [r.external_id for r in recs] == ["a1", "a3"]
    assert recs[0].title == "Quake in Peru" and recs[0].source == "Meridian Daily" and recs[0].published == "2026-03-08"
    assert recs[1].text == "Only a title" and "title stands in" in recs[1].warnings[0]
    assert len(rej) == 1 and rej[0].record == "line 2" and "missing required field 'text'" in rej[0].reason
    assert "author" in rej[0].reason  # names the fields that were there


def test_jsonl_invalid_line_does_not_stop_the_file(tmp_path):
    path = tmp_path / "b.jsonl"
    path.write_text('{"text": "first article"}\n{"text": broken\n{"text": "third article"}\n', encoding="utf-8")
    recs, rej = records([path])
    assert [r.text for r in recs] == ["first article", "third article"]
    assert rej[0].record == "line 2" and rej[0].reason.startswith("invalid JSON")


def test_field_mapping_overrides_defaults(tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", [{"maintext": "Body here.", "text": "wrong", "meta": {"site": "Tageskurier"}}])
    (rec,), _ = records([path], fields=FieldMap.parse(["text=maintext", "source=meta.site"]))
    assert rec.text == "Body here." and rec.source == "Tageskurier"


def test_json_array_and_wrapped_object(tmp_path):
    (tmp_path / "arr.json").write_text('[{"text": "one"}, {"text": "two"}]', encoding="utf-8")
    (tmp_path / "obj.json").write_text('{"articles": [{"content": "three"}]}', encoding="utf-8")
    recs, rej = records([tmp_path / "arr.json", tmp_path / "obj.json"])
    assert [r.text for r in recs] == ["one", "two", "three"] and not rej


def test_csv_rows_and_empty_row_rejected():
    recs, rej = records([FIXTURES / "outlets.csv"], fields=FieldMap.parse(["published=when"]))
    assert [r.source for r in recs] == ["Harbor Wire", "La Voz del Puerto"]
    assert recs[0].published == "2026-03-16" and recs[0].url.endswith("valparaiso-fire")
    assert rej[0].record == "row 4" and "missing required field 'text'" in rej[0].reason


def test_html_page_main_text_and_metadata():
    (rec,), rej = records([FIXTURES / "kessler_museum.html"])
    assert not rej
    assert rec.source == "Northline Post"
    assert rec.published.startswith("2026-03-19")
    assert "Kessler Museum" in rec.text and "Privacy policy" not in rec.text and "Sport" not in rec.text


def test_rss_and_atom_entries():
    recs, rej = records([FIXTURES / "harbor_feed.rss", FIXTURES / "meridian_feed.atom"])
    assert not rej
    assert [r.source for r in recs] == ["Harbor Wire - World"] * 2 + ["Meridian Daily"]
    assert recs[0].published == "2026-03-10T08:15:00" and recs[0].url.endswith("ferry-resumes")
    assert "<p>" not in recs[0].text and "new safety checks" in recs[0].text
    assert recs[2].text.startswith("Zambia declared")


def test_malformed_feed_is_rejected(tmp_path):
    path = tmp_path / "bad.rss"
    path.write_text("<?xml version='1.0'?><rss><channel><title>x</title><item><title>unclosed", encoding="utf-8")
    recs, rej = records([path])
    assert not recs and rej and "feed" in rej[0].reason


def test_reuters_sgml_stories():
    recs, rej = records([FIXTURES / "newswire.sgm"])
    assert [r.external_id for r in recs] == ["reuters21578:1", "reuters21578:2"]
    assert recs[0].published == "2026-03-16T09:12:44" and recs[0].text.endswith("<slumped>.")
    assert recs[1].text == recs[1].title  # a BRIEF story is its title
    assert rej[0].record == "NEWID=3" and "no title and no body" in rej[0].reason


def _warc_bytes(pages: list[tuple[str, bytes]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for url, body in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    return buf.getvalue()


def test_warc_responses_become_articles(tmp_path):
    page = (FIXTURES / "kessler_museum.html").read_bytes()
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(_warc_bytes([("https://northline.example/2026/03/19/dresden", page)]))
    (rec,), rej = records([path])
    assert not rej and rec.url == "https://northline.example/2026/03/19/dresden" and "Kessler Museum" in rec.text


def test_malformed_warc_keeps_earlier_records(tmp_path):
    page = (FIXTURES / "kessler_museum.html").read_bytes()
    path = tmp_path / "broken.warc"
    good = _warc_bytes([("https://northline.example/a", page)])
    path.write_bytes(gzip.decompress(good) + b"this is not a WARC record\r\n\r\n")
    recs, rej = records([path])
    assert len(recs) == 1 and len(rej) == 1 and "WARC" in rej[0].reason


def test_archives_and_compression_are_streamed(tmp_path):
    tar_path = tmp_path / "bundle.tar.gz"
    with tarfile.open(tar_path, "w:gz") as tar:
        tar.add(FIXTURES / "header_date.txt", arcname="inner/one.txt")
        tar.add(FIXTURES / "newswire.sgm", arcname="inner/wire.sgm")
    zip_path = tmp_path / "bundle.zip"
    with zipfile.ZipFile(zip_path, "w") as zf:
        zf.write(FIXTURES / "wire_note.txt", "note.txt")
    gz_path = tmp_path / "one.jsonl.gz"
    gz_path.write_bytes(gzip.compress(b'{"text": "gzipped article"}\n'))
    recs, rej = records([tar_path, zip_path, gz_path])
    assert [r.origin.rsplit("!", 1)[-1] for r in recs] == ["inner/one.txt", "inner/wire.sgm", "inner/wire.sgm", "note.txt", str(gz_path)]
    assert len(rej) == 1  # the empty Reuters story


def test_truncated_gzip_keeps_records_before_the_cut(tmp_path):
    data = gzip.compress("".join(f'{{"text": "article number {i} with some words"}}\n' for i in range(2000)).encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    recs, rej = records([path])
    assert 0 < len(recs) < 2000
    assert len(rej) == 1 and "truncated" in rej[0].reason and f"after {len(recs)} record(s)" in rej[0].reason


def test_directory_walk_is_recursive_and_survives_bad_files(tmp_path):
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "sub" / "deeper" / "a.txt").write_text("An article in a deep folder.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (tmp_path / ".hidden.txt").write_text("not read", encoding="utf-8")
    recs, rej = records([tmp_path, tmp_path / "missing.txt"])
    assert [r.text for r in recs] == ["An article in a deep folder."]
    reasons = {r.origin.rsplit("/", 1)[-1]: r.reason for r in rej}
    assert reasons["empty.txt"] == "empty file"
    assert "PNG image" in reasons["image.png"]
    assert reasons["missing.txt"] == "no such file or directory"


def test_oversized_single_article_file_is_rejected(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.write(b"word " * (50 * 1024 * 1024 // 5))
    recs, rej = records([path])
    assert not recs and "larger than 10 MB" in rej[0].reason
