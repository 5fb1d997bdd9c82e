"""Format sniffing and decoding of wrongly or mixed encoded input."""

from __future__ import annotations

import io

import pytest

from newsprism.ingest.sniff import DecodeError, FormatError, decode, sniff
from newsprism.ingest.sources import Blob


def blob(name: str, data: bytes) -> Blob:
    return Blob(name, io.BufferedReader(io.BytesIO(data)))


@pytest.mark.parametrize("name,data,fmt", [
    ("x.dat", b'{"text": "a"}\n{"text": "b"}\n', "jsonl"),
    ("x.json", b'[{"text": "a"}]', "json"),
    ("x", b"<!DOCTYPE html><html><body><p>hi</p></body></html>", "html"),
    ("x", b"<?xml version='1.0'?><rss version='2.0'><channel></channel></rss>", "feed"),
    ("x", b"<?xml version='1.0'?>\n<feed xmlns='http://www.w3.org/2005/Atom'></feed>", "feed"),
    ("x", b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", "warc"),
    ("reut2-000.sgm", b'<!DOCTYPE lewis SYSTEM "lewis.dtd">\n<REUTERS NEWID="1">', "reuters-sgml"),
    ("a.csv", b"title,text\nx,y\n", "csv"),
    ("a.txt", b"Plain words.", "text"),
    ("noext", b"Plain words without a name hint.", "text"),
])
def test_sniff(name, data, fmt):
    assert sniff(blob(name, data)) == fmt


@pytest.mark.parametrize("data,kind", [(b"%PDF-1.7 ...", "PDF"), (b"\x00\x01\x02binary", "binary"), (b"", "empty")])
def test_sniff_refuses_binary_and_empty(data, kind):
    with pytest.raises(FormatError, match=kind):
        sniff(blob("x.txt", data))


def test_decode_utf8_is_silent():
    assert decode("Zürich 北约".encode()) == ("Zürich 北约", None)


def test_decode_cp1252():
    text, warning = decode("Les élèves de l’école ont célébré à Genève.".encode("cp1252"))
    assert text == "Les élèves de l’école ont célébré à Genève." and "not UTF-8" in warning


def test_decode_gb18030():
    original = "北约计划在东京开设联络处，中方表示应高度警惕。日本政府尚未作出最终决定。"
    text, warning = decode(original.encode("gb18030"))
    assert text == original and "gb18030" in warning.lower()


def test_decode_mixed_utf8_and_cp1252():
    data = "Café in Zürich — ".encode() + "naïve résumé".encode("cp1252")
    text, warning = decode(data)
    assert text == "Café in Zürich — naïve résumé" and warning.startswith("mixed encodings")


def test_decode_utf16_bom():
    assert decode("hello".encode("utf-16"))[0] == "hello"


def test_undecodable_bytes_raise():
    with pytest.raises(DecodeError):
        decode(bytes(range(128, 256)) * 4)
