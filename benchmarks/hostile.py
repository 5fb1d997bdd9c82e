"""A hostile corpus, generated, and a runner that ingests each input into a fresh store as a user would.

    python benchmarks/hostile.py [--quick] [--only NAME...] [--out results.json]

Every case writes its files into its own folder (nothing large is committed: bombs are made here,
compressed, in seconds). Most cases put good companion records around the bad one (a line before
and after, a story in the same archive); the runner checks, for each case:

- no traceback on stderr, and the exit code the README documents (0, 1 or 3);
- every good companion record stored (their texts carry the marker ``GOODREC``);
- every rejection names its file (and its record, for files of many records) and gives a reason;
- peak RSS of the process under 512 MB and wall time under 30 s, whatever the input expands to;
- for the date cases, the later stages (``cluster``, ``report``) run on the store without a crash.

``--quick`` (what the test suite runs) makes the bombs expand to 256 MiB instead of 2 GiB; every case
is still there. Each case runs in a forked child of this process (newsprism imported once), so RSS is
the child's own peak, measured by ``wait4``.
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import io
import json
import lzma
import os
import platform
import signal
import sqlite3
import sys
import tarfile
import tempfile
import time
import traceback
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

RSS_LIMIT_MB = 512
TIME_LIMIT_S = 30.0
MARK = "GOODREC"

_SENTENCES = [
    "The harbour authority reopened the northern pier on Tuesday after three weeks of repairs.",
    "Farmers in the valley said the late frost had cut the cherry harvest by a third.",
    "The city council voted to extend the night bus service to the airport from next month.",
    "A regional court fined the transport company for failing to publish its safety audits.",
    "Researchers at the observatory reported a new comet visible with binoculars before dawn.",
    "The ministry of health opened four vaccination centres in the eastern districts.",
    "Workers at the shipyard ended a two-day strike after agreeing a new pay scale.",
    "The national library digitised its collection of nineteenth-century maps.",
]


def good_text(case: str, n: int) -> str:
    """A good companion article: distinct per case and number, so none is a duplicate of another."""
    return f"{MARK} {case} {n}. {_SENTENCES[n % len(_SENTENCES)]} Officials in district {n} confirmed the figures."


def good_obj(case: str, n: int, **extra) -> dict:
    return {"title": f"Good record {n} of {case}", "text": good_text(case, n), "published": "2024-05-0%d" % (1 + n % 9), **extra}


@dataclass
class Case:
    name: str
    category: str
    build: Callable[[Path, "Scale"], list[str]]  # writes its files under a folder, returns the CLI targets
    good: int = 0  # good companion records that must be stored
    args: list[str] = field(default_factory=list)
    then: tuple[str, ...] = ()  # later stages that must run on the store: "cluster", "report"
    exits: tuple[int, ...] = (0, 1, 3)
    records: bool = False  # a file of many records: each rejection must name its record


@dataclass
class Scale:
    bomb_bytes: int  # what a compression bomb expands to


CASES: list[Case] = []


def case(name: str, category: str, good: int = 0, **kw) -> Callable:
    def register(fn: Callable[[Path, Scale], list[str]]) -> Callable:
        CASES.append(Case(name, category, fn, good, **kw))
        return fn

    return register


def _write(path: Path, data: bytes | str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    return str(path)


def _jsonl(case_name: str, bad_lines: list[str], before: int = 1, after: int = 1) -> str:
    """Good lines around bad ones: the bad ones must not take the good ones with them."""
    good = [json.dumps(good_obj(case_name, i)) for i in range(before)]
    tail = [json.dumps(good_obj(case_name, before + i)) for i in range(after)]
    return "\n".join([*good, *bad_lines, *tail]) + "\n"


def _spaces_gz(size: int, prefix: bytes = b"", suffix: bytes = b"") -> bytes:
    """gzip of ``size`` bytes of spaces, made in 1 MiB steps: a few MB on disk, ``size`` in memory if read whole."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [comp.compress(prefix)]
    chunk = b" " * 2**20
    for _ in range(size // 2**20):
        out.append(comp.compress(chunk))
    out.append(comp.compress(suffix))
    out.append(comp.flush())
    return b"".join(out)


# --- JSON Lines: one bad record among good ones ----------------------------------------------------

_BAD_JSONL = {
    "deep-nesting": '{"text": ' + "[" * 10000 + "]" * 10000 + "}",
    "month-13": json.dumps({"text": "A report dated in a thirteenth month about the harbour.", "published": "2023-13"}),
    "month-00": json.dumps({"text": "A report dated in month zero about the harbour works.", "published": "2023-00"}),
    "epoch-negative-huge": '{"text": "A report with a date far before any calendar.", "published": -1e15}',
    "epoch-10e400": '{"text": "A report with an infinite date stamp attached.", "published": ' + "1" + "0" * 400 + "}",
    "epoch-nan": '{"text": "A report whose date is not a number at all.", "published": NaN}',
    "epoch-infinity": '{"text": "A report whose date is infinity itself.", "published": Infinity}',
    "lone-surrogate": '{"text": "A text with a lone surrogate \\ud800 in the middle of the harbour story."}',
    "surrogate-title": '{"title": "Bad \\udfff title", "text": "A body that is fine but a title that is not."}',
    "surrogate-source": '{"source": "Outlet \\ud834", "url": "https://example.com/\\udc00", "text": "A fine body with bad metadata around it."}',
    "dict-text": '{"text": {"html": "<p>hello</p>"}, "title": null}',
    "list-of-dicts-text": '{"text": [{"p": "one"}, {"p": "two"}]}',
    "number-text": '{"text": 12345}',
    "bool-text": '{"text": true}',
    "null-everything": '{"text": null, "title": null, "published": null}',
    "not-an-object": '"just a string"',
    "array-of-junk": '[1, 2, null, {"text": 5}]',
    "invalid-json": '{"text": "unterminated',
    "trailing-garbage": '{"text": "fine text here for a record"} trailing',
    "nul-bytes": '{"text": "a text with \\u0000 NUL characters \\u0000 inside it and more words"}',
    "control-only-text": '{"text": "\\u0001\\u0002\\u0003\\u0004"}',
    "whitespace-text": '{"text": "   \\n\\t  "}',
    "date-0000": '{"text": "An article dated in year zero about the bridge.", "published": "0000"}',
    "date-0001": '{"text": "An article dated on the first day of the calendar.", "published": "0001-01-01"}',
    "date-9999": '{"text": "An article dated on the last day of the calendar.", "published": "9999-12-31"}',
    "date-offset-99": '{"text": "An article whose offset no clock uses at all.", "published": "2023-05-04T10:00:00+99:99"}',
    "date-feb-30": '{"text": "An article dated on the thirtieth of February.", "published": "2023-02-30"}',
    "date-far-future": '{"text": "An article dated in the next century, far ahead.", "published": "2150-01-01"}',
    "date-1700": '{"text": "An article dated before the window of the press.", "published": "1700-06-01"}',
    "date-free-junk": '{"text": "An article whose date is a sentence, not a date.", "published": "when the moon is blue"}',
    "date-object": '{"text": "An article whose date is an object instead.", "published": {"$date": 5}}',
    "date-list": '{"text": "An article whose date is a list of things.", "published": [2023, 5, 4]}',
    "huge-int-id": '{"text": "An article with an enormous integer id value.", "id": ' + "9" * 5000 + "}",
    "bad-lang": '{"text": "An article whose language code is nonsense.", "lang": "\\u0000\\u0000"}',
    "url-junk": '{"text": "An article whose URL is not one at all.", "url": "http://[::1"}',
    "many-keys": json.dumps({**{f"k{i}": i for i in range(20000)}, "text": "An article with twenty thousand extra keys."}),
}
for _name, _line in _BAD_JSONL.items():
    def _build(d: Path, s: Scale, _name=_name, _line=_line) -> list[str]:
        return [_write(d / f"{_name}.jsonl", _jsonl(_name, [_line]))]

    CASES.append(Case(f"jsonl-{_name}", "records", _build, good=2, records=True))


@case("jsonl-epoch-1e20-line-2", "records", good=3, records=True)
def _(d: Path, s: Scale) -> list[str]:
    lines = [json.dumps(good_obj("e20", 0)), '{"text": "An article stamped 1e20 seconds after the epoch.", "published": 1e20}',
             json.dumps(good_obj("e20", 1)), json.dumps(good_obj("e20", 2))]
    return [_write(d / "e20.jsonl", "\n".join(lines) + "\n")]


@case("jsonl-long-line-50mb", "sizes", good=2, records=True)
def _(d: Path, s: Scale) -> list[str]:
    big = json.dumps({"text": "word " * (10 * 2**20)})  # 50 MB of text in one record
    return [_write(d / "long.jsonl", _jsonl("long", [big]))]


@case("jsonl-600-good-one-bad", "records", good=600, records=True)
def _(d: Path, s: Scale) -> list[str]:
    # more than one batch (500) before the bad record: the first batch is committed, nothing is lost
    good = [json.dumps(good_obj("many", i)) for i in range(600)]
    return [_write(d / "many.jsonl", "\n".join(good[:550] + [_BAD_JSONL["month-13"], _BAD_JSONL["deep-nesting"]] + good[550:]) + "\n")]


@case("jsonl-bad-file-then-good-file", "records", good=2)
def _(d: Path, s: Scale) -> list[str]:
    return [_write(d / "a.jsonl", json.dumps(good_obj("ab", 0)) + "\n" + _BAD_JSONL["lone-surrogate"] + "\n"),
            _write(d / "b.jsonl", json.dumps(good_obj("ab", 1)) + "\n")]


@case("jsonl-crlf-bom", "encodings", good=2)
def _(d: Path, s: Scale) -> list[str]:
    return [_write(d / "crlf.jsonl", b"\xef\xbb\xbf" + _jsonl("crlf", [], 1, 1).replace("\n", "\r\n").encode())]


# --- CSV ---------------------------------------------------------------------------------------------

def _csv(rows: list[str], header: str = "title,text,published") -> str:
    return header + "\n" + "\n".join(rows) + "\n"


def _csv_good(name: str, n: int) -> str:
    g = good_obj(name, n)
    return f'"{g["title"]}","{g["text"]}",{g["published"]}'


@case("csv-unterminated-quote", "records", good=3, records=True)
def _(d: Path, s: Scale) -> list[str]:
    rows = [_csv_good("unterm", 0), '"Broken row,"this quote never closes,2024-01-01', _csv_good("unterm", 1), _csv_good("unterm", 2)]
    return [_write(d / "unterminated.csv", _csv(rows))]


@case("csv-ragged-rows", "records", good=2, records=True)
def _(d: Path, s: Scale) -> list[str]:
    rows = [_csv_good("ragged", 0), "only-one-field", 'a,b,c,d,e,f,g', _csv_good("ragged", 1)]
    return [_write(d / "ragged.csv", _csv(rows))]


@case("csv-nul-in-field", "records", good=2, records=True)
def _(d: Path, s: Scale) -> list[str]:
    rows = [_csv_good("nul", 0), '"t","text with \x00 a nul byte inside of it",2024-01-01', _csv_good("nul", 1)]
    return [_write(d / "nul.csv", _csv(rows))]


@case("csv-header-only", "records")
def _(d: Path, s: Scale) -> list[str]:
    return [_write(d / "header.csv", "title,text,published\n")]


@case("csv-no-text-column", "records", records=True)
def _(d: Path, s: Scale) -> list[str]:
    return [_write(d / "notext.csv", "a,b\n1,2\n3,4\n")]


@case("csv-dates-at-edges", "dates", good=1, records=True, then=("cluster", "report"))
def _(d: Path, s: Scale) -> list[str]:
    rows = [_csv_good("csvdates", 0), '"Old","An article from the first days of the calendar.",0001-01-05',
            '"Far","An article from the last day of the calendar.",9999-12-31']
    return [_write(d / "dates.csv", _csv(rows))]


@case("csv-gz-one-huge-field", "bombs", good=0)
def _(d: Path, s: Scale) -> list[str]:
    # a header, then one quoted field of spaces that never ends within the limit
    return [_write(d / "huge.csv.gz", _spaces_gz(s.bomb_bytes, prefix=b'title,text\n"x","', suffix=b'"\n'))]


@case("tsv-good", "records", good=2)
def _(d: Path, s: Scale) -> list[str]:
    g0, g1 = good_obj("tsv", 0), good_obj("tsv", 1)
    return [_write(d / "good.tsv", f"title\ttext\n{g0['title']}\t{g0['text']}\n{g1['title']}\t{g1['text']}\n")]


# --- JSON documents ------------------------------------------------------------------------------------

@case("json-deep-nesting", "records")
def _(d: Path, s: Scale) -> list[str]:
    return [_write(d / "deep.json", "[" * 50000 + "]" * 50000)]


@case("json-wrapper-with-bad-items", "records", good=2, records=True)
def _(d: Path, s: Scale) -> list[str]:
    doc = {"articles": [good_obj("wrap", 0), {"text": {"nested": 1}}, None, 5, {"text": "x" * 3, "published": float("nan")},
                        good_obj("wrap", 1)]}
    return [_write(d / "wrap.json", json.dumps(doc))]


@case("json-scalar", "records")
def _(d: Path, s: Scale) -> list[str]:
    return [_write(d / "scalar.json", "42")]


@case("json-too-big", "sizes", args=["--max-doc-mb", "1"])
def _(d: Path, s: Scale) -> list[str]:
    return [_write(d / "big.json", json.dumps([{"text": "word " * 200_000} for _ in range(8)]))]


# --- plain text --------------------------------------------------------------------------------------------

@case("txt-empty", "text", exits=(3,))
def _(d: Path, s: Scale) -> list[str]:
    return [_write(d / "empty.txt", b"")]


@case("txt-whitespace-only", "text", exits=(3,))
def _(d: Path, s: Scale) -> list[str]:
    return [_write(d / "blank.txt", "\n \n\t\n")]


@case("txt-control-chars", "text", exits=(3,))
def _(d: Path, s: Scale) -> list[str]:
    return [_write(d / "ctrl.txt", "\x01\x02\x03" * 100)]


@case("txt-header-date-0001", "dates", good=1, then=("cluster", "report"))
def _(d: Path, s: Scale) -> list[str]:
    return [_write(d / "old.txt", " date 0001-01-10 The mayor opened the new bridge over the river on Monday."),
            _write(d / "good.txt", good_text("txt0001", 0))]


@case("txt-front-matter-junk-date", "dates", good=1)
def _(d: Path, s: Scale) -> list[str]:
    return [_write(d / "fm.txt", f"title: A title\ndate: 2023-99-99T99:99\n\n{good_text('fm', 0)}")]


@case("txt-very-long-line", "sizes", good=1)
def _(d: Path, s: Scale) -> list[str]:
    return [_write(d / "long.txt", good_text("longline", 0) + " and" * 400_000)]


@case("txt-too-large", "sizes", args=["--max-doc-mb", "1"], good=1)
def _(d: Path, s: Scale) -> list[str]:
    return [_write(d / "large.txt", "word " * 400_000), _write(d / "small.txt", good_text("toolarge", 0))]


# --- encodings ----------------------------------------------------------------------------------------------

_ENCODED = {
    "utf16-bom": ("text", lambda t: t.encode("utf-16")),
    "utf16-no-bom": ("text", lambda t: t.encode("utf-16-le")),
    "cp1252": ("text", lambda t: (t + " café naïve résumé").encode("cp1252")),
    "gb18030": ("text", lambda t: ("北京消息 " + t).encode("gb18030")),
    "shift-jis": ("text", lambda t: ("東京 " + t).encode("shift_jis")),
    "mixed-utf8-cp1252": ("text", lambda t: ("naïve " + t).encode() + " café".encode("cp1252")),
    "invalid-utf8-run": ("text", lambda t: t.encode() + bytes(range(0x80, 0xC0))),
    "latin1-jsonl": ("jsonl", lambda t: json.dumps({"text": t + " façade"}, ensure_ascii=False).encode("latin-1") + b"\n"),
    "utf8-overlong": ("text", lambda t: t.encode() + b"\xc0\xaf\xe0\x80\xaf"),
    "bom-then-nothing": ("text", lambda t: b"\xef\xbb\xbf"),
}
for _name, (_kind, _encode) in _ENCODED.items():
    def _build(d: Path, s: Scale, _name=_name, _kind=_kind, _encode=_encode) -> list[str]:
        ext = "jsonl" if _kind == "jsonl" else "txt"
        return [_write(d / f"{_name}.{ext}", _encode(good_text(_name, 0))), _write(d / "companion.txt", good_text(_name, 1))]

    CASES.append(Case(f"enc-{_name}", "encodings", _build, good=1))


# --- binary and misnamed ------------------------------------------------------------------------------------

_BINARY = {
    "pdf": b"%PDF-1.4\n" + os.urandom(2000),
    "png": b"\x89PNG\r\n\x1a\n" + os.urandom(2000),
    "elf": b"\x7fELF" + os.urandom(2000),
    "random": os.urandom(4096),
    "sqlite": b"SQLite format 3\x00" + bytes(2000),
    "docx-like-zip": None,  # built below
}
for _name, _data in _BINARY.items():
    if _data is None:
        continue

    def _build(d: Path, s: Scale, _name=_name, _data=_data) -> list[str]:
        return [_write(d / f"{_name}.txt", _data), _write(d / "companion.txt", good_text(_name, 0))]

    CASES.append(Case(f"binary-{_name}", "formats", _build, good=1))


@case("binary-docx-like-zip", "formats", good=1)
def _(d: Path, s: Scale) -> list[str]:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return [_write(d / "report.docx", buf.getvalue()), _write(d / "companion.txt", good_text("docx", 0))]


# --- archives and compression --------------------------------------------------------------------------------

@case("gz-bomb-jsonl-spaces", "bombs")
def _(d: Path, s: Scale) -> list[str]:
    return [_write(d / "bomb.jsonl.gz", _spaces_gz(s.bomb_bytes))]


@case("gz-bomb-over-expansion-limit", "bombs", args=["--max-expanded-mb", "64"], good=1)
def _(d: Path, s: Scale) -> list[str]:
    return [_write(d / "bomb.txt.gz", _spaces_gz(max(s.bomb_bytes, 128 * 2**20))), _write(d / "companion.txt", good_text("gzcap", 0))]


@case("gz-wrapping-zip", "bombs", good=2)
def _(d: Path, s: Scale) -> list[str]:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.jsonl", _jsonl("gzzip", []))
    return [_write(d / "archive.zip.gz", gzip.compress(buf.getvalue()))]


@case("gz-wrapping-zip-bomb", "bombs", args=["--max-expanded-mb", "64"])
def _(d: Path, s: Scale) -> list[str]:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("spaces.txt", "w", force_zip64=True) as member:
            for _ in range(max(s.bomb_bytes, 128 * 2**20) // 2**20):
                member.write(b" " * 2**20)
    return [_write(d / "bomb.zip.gz", gzip.compress(buf.getvalue(), 1))]


@case("zip-bomb-member", "bombs", good=1, records=False)
def _(d: Path, s: Scale) -> list[str]:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("good.txt", good_text("zipbomb", 0))
        with zf.open("spaces.jsonl", "w", force_zip64=True) as member:
            for _ in range(s.bomb_bytes // 2**20):
                member.write(b" " * 2**20)
    return [_write(d / "bomb.zip", buf.getvalue())]


@case("zip-traversal-names", "archives", good=2)
def _(d: Path, s: Scale) -> list[str]:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("../../etc/evil.txt", good_text("trav", 0))
        zf.writestr("/abs/path.txt", good_text("trav", 1))
        zf.writestr(".hidden/skip.txt", "hidden files are skipped")
    return [_write(d / "trav.zip", buf.getvalue())]


@case("zip-corrupt", "archives", good=1)
def _(d: Path, s: Scale) -> list[str]:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.txt", "word " * 5000)
    data = bytearray(buf.getvalue())
    data[60:200] = os.urandom(140)
    return [_write(d / "corrupt.zip", bytes(data)), _write(d / "companion.txt", good_text("zipcorrupt", 0))]


@case("zip-of-zips", "archives", good=1)
def _(d: Path, s: Scale) -> list[str]:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("deep.txt", good_text("zipzip", 0))
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as zf:
        zf.writestr("inner.zip", inner.getvalue())
    return [_write(d / "outer.zip", outer.getvalue())]


def _tar(members: dict[str, bytes], mode: str = "w:gz") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@case("tar-gz-truncated", "archives", good=1)
def _(d: Path, s: Scale) -> list[str]:
    members = {f"m{i}.txt": (good_text("tartrunc", i) + " " + os.urandom(3000).hex()).encode() for i in range(6)}
    data = _tar(members)
    return [_write(d / "cut.tar.gz", data[: len(data) // 2]), _write(d / "companion.txt", good_text("tartrunc", 99))]


@case("tar-with-links-and-devices", "archives", good=1)
def _(d: Path, s: Scale) -> list[str]:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, kind in (("link", tarfile.SYMTYPE), ("hard", tarfile.LNKTYPE), ("fifo", tarfile.FIFOTYPE), ("dir", tarfile.DIRTYPE)):
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, "/etc/passwd"
            tf.addfile(info)
        data = good_text("tarlinks", 0).encode()
        info = tarfile.TarInfo("real.txt")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    return [_write(d / "links.tar", buf.getvalue())]


@case("tar-xz-member-bomb", "bombs", args=["--max-expanded-mb", "64"], good=1)
def _(d: Path, s: Scale) -> list[str]:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:xz") as tf:
        data = good_text("tarbomb", 0).encode()
        info = tarfile.TarInfo("a-good.txt")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
        size = max(s.bomb_bytes, 128 * 2**20)
        info = tarfile.TarInfo("b-spaces.txt")
        info.size = size

        class Spaces(io.RawIOBase):
            left = size

            def readinto(self, b):
                n = min(len(b), self.left)
                b[:n] = b" " * n
                self.left -= n
                return n

        tf.addfile(info, Spaces())
    return [_write(d / "bomb.tar.xz", buf.getvalue())]


def _cut_streams(lines: list[str], compress: Callable[[bytes], bytes], keep: int) -> bytes:
    """One compressed stream per line, concatenated (gzip and xz read them as one file), cut in the
    middle of stream ``keep``: exactly ``keep`` lines can be read back, whatever the compression ratio."""
    streams = [compress(line.encode() + b"\n") for line in lines]
    return b"".join(streams[:keep]) + streams[keep][: len(streams[keep]) // 2]


@case("gz-small-truncated", "archives", good=20, records=True)
def _(d: Path, s: Scale) -> list[str]:
    lines = [json.dumps(good_obj("smallcut", i)) for i in range(40)]
    return [_write(d / "cut.jsonl.gz", _cut_streams(lines, gzip.compress, 20))]


@case("xz-truncated", "archives", good=10, records=True)
def _(d: Path, s: Scale) -> list[str]:
    lines = [json.dumps(good_obj("xzcut", i)) for i in range(40)]
    return [_write(d / "cut.jsonl.xz", _cut_streams(lines, lzma.compress, 10))]


@case("bz2-corrupt", "archives", good=1)
def _(d: Path, s: Scale) -> list[str]:
    data = bytearray(bz2.compress(("word " * 20000).encode()))
    data[40:80] = bytes(40)
    return [_write(d / "bad.txt.bz2", bytes(data)), _write(d / "companion.txt", good_text("bz2", 0))]


@case("gz-not-gzip-after-magic", "archives", good=1)
def _(d: Path, s: Scale) -> list[str]:
    return [_write(d / "fake.txt.gz", b"\x1f\x8b" + os.urandom(500)), _write(d / "companion.txt", good_text("fakegz", 0))]


@case("gz-triple-layer", "archives", good=2)
def _(d: Path, s: Scale) -> list[str]:
    data = _jsonl("triple", []).encode()
    for _ in range(3):
        data = gzip.compress(data)
    return [_write(d / "triple.jsonl.gz.gz.gz", data)]


@case("gz-quadruple-layer", "archives")
def _(d: Path, s: Scale) -> list[str]:
    data = b"some text that is buried under four layers of gzip compression"
    for _ in range(4):
        data = gzip.compress(data)
    return [_write(d / "quad.gz", data)]


@case("archive-empty-tar", "archives")
def _(d: Path, s: Scale) -> list[str]:
    return [_write(d / "empty.tar", _tar({}, "w"))]


# --- WARC ----------------------------------------------------------------------------------------------------

def _warc(pages: list[str]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    for i, text in enumerate(pages):
        body = f"<html><head><title>Page {i}</title></head><body><article><p>{text}</p></article></body></html>".encode()
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(f"https://news.example/{i}", "response", payload=io.BytesIO(body),
                                                      http_headers=http))
    return buf.getvalue()


def _warc_starts(data: bytes) -> list[int]:
    return [i for i in range(len(data)) if data.startswith(b"WARC/1", i)]


@case("warc-cut-in-payload", "warc", good=2, records=True)
def _(d: Path, s: Scale) -> list[str]:
    data = _warc([good_text("warcpay", i) + " More words follow here. " * 20 for i in range(3)])
    return [_write(d / "cut.warc", data[: _warc_starts(data)[2] + 600])]


@case("warc-cut-in-header", "warc", good=2, records=True)
def _(d: Path, s: Scale) -> list[str]:
    data = _warc([good_text("warchead", i) + " More words follow here. " * 20 for i in range(3)])
    return [_write(d / "cut.warc", data[: _warc_starts(data)[2] + 20])]


@case("warc-gz-truncated", "warc", good=1, records=True)
def _(d: Path, s: Scale) -> list[str]:
    data = _warc([good_text("warcgz", i) + " More words follow here. " * 20 for i in range(4)])
    comp = gzip.compress(data)
    return [_write(d / "cut.warc.gz", comp[: int(len(comp) * 0.55)])]


@case("warc-garbage-after-magic", "warc")
def _(d: Path, s: Scale) -> list[str]:
    return [_write(d / "junk.warc", b"WARC/1.0\r\n" + os.urandom(3000))]


@case("warc-huge-page", "warc", args=["--max-doc-mb", "1"], good=1, records=True)
def _(d: Path, s: Scale) -> list[str]:
    return [_write(d / "big.warc", _warc(["word " * 400_000, good_text("warcbig", 0) + " More words follow here. " * 20]))]


# --- Reuters SGML ------------------------------------------------------------------------------------------------

@case("sgml-unclosed-reuters", "formats", good=1, records=True)
def _(d: Path, s: Scale) -> list[str]:
    story = '<REUTERS NEWID="{n}"><DATE>26-FEB-1987 15:01:01.79</DATE><TEXT><TITLE>T{n}</TITLE><BODY>{body}</BODY></TEXT>\n'
    parts = [story.format(n=i, body="cocoa prices rose " * 20) for i in range(3000)]  # about 700 KB, none closed
    closed = '<REUTERS NEWID="9999"><DATE>26-FEB-1987</DATE><TEXT><TITLE>Good</TITLE><BODY>{}</BODY></TEXT></REUTERS>\n'.format(
        good_text("sgml", 0))
    return [_write(d / "unclosed.sgm", "".join(parts) + closed)]


@case("sgml-bad-dates", "dates", good=1, records=True)
def _(d: Path, s: Scale) -> list[str]:
    doc = ('<REUTERS NEWID="1"><DATE>31-FEB-0001 99:99:99</DATE><TEXT><TITLE>Odd</TITLE><BODY>An odd date story.</BODY></TEXT></REUTERS>\n'
           f'<REUTERS NEWID="2"><DATE>26-FEB-1987</DATE><TEXT><TITLE>Good</TITLE><BODY>{good_text("sgmldate", 0)}</BODY></TEXT></REUTERS>\n')
    return [_write(d / "dates.sgm", doc)]


# --- feeds and HTML ---------------------------------------------------------------------------------------------

@case("feed-billion-laughs", "formats", good=1)
def _(d: Path, s: Scale) -> list[str]:
    ents = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    doc = f'<?xml version="1.0"?><!DOCTYPE rss [{ents}]><rss version="2.0"><channel><title>x</title><item><title>&a9;</title><description>&a9;</description></item></channel></rss>'
    return [_write(d / "laughs.rss", doc), _write(d / "companion.txt", good_text("laughs", 0))]


@case("feed-external-entity", "formats", good=1)
def _(d: Path, s: Scale) -> list[str]:
    doc = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel>'
           f'<title>x</title><item><title>Entity</title><description>&xxe; {good_text("xxe", 0)}</description></item></channel></rss>')
    return [_write(d / "xxe.rss", doc)]


@case("feed-malformed-dates", "dates", good=2, records=True)
def _(d: Path, s: Scale) -> list[str]:
    items = "".join(f"<item><title>Item {i}</title><description>{good_text('feeddate', i)}</description><pubDate>{p}</pubDate></item>"
                    for i, p in enumerate(["Mon, 99 Foo 0000 99:99:99 +9999", "Tue, 31 Dec 9999 23:59:59 GMT"]))
    return [_write(d / "dates.rss", f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>{items}</channel></rss>')]


@case("feed-truncated", "formats")
def _(d: Path, s: Scale) -> list[str]:
    return [_write(d / "cut.rss", '<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title><item><title>Half')]


@case("html-deep-nesting", "formats", good=1)
def _(d: Path, s: Scale) -> list[str]:
    return [_write(d / "deep.html", "<html><body>" + "<div>" * 20000 + "text" + "</div>" * 20000 + "</body></html>"),
            _write(d / "companion.txt", good_text("deephtml", 0))]


@case("html-script-only", "formats", good=1)
def _(d: Path, s: Scale) -> list[str]:
    return [_write(d / "script.html", "<html><head><script>" + "var a=1;" * 5000 + "</script></head><body></body></html>"),
            _write(d / "companion.txt", good_text("scripthtml", 0))]


@case("html-huge", "sizes", args=["--max-doc-mb", "1"], good=1)
def _(d: Path, s: Scale) -> list[str]:
    return [_write(d / "huge.html", "<html><body><p>" + "word " * 400_000 + "</p></body></html>"),
            _write(d / "companion.txt", good_text("hugehtml", 0))]


@case("html-date-meta-junk", "dates", good=1)
def _(d: Path, s: Scale) -> list[str]:
    page = ('<html><head><meta property="article:published_time" content="9999-12-31T23:59:59+99:00">'
            f'<title>Junk date</title></head><body><article><p>{good_text("htmldate", 0)}</p><p>{_SENTENCES[1]}</p></article></body></html>')
    return [_write(d / "junkdate.html", page)]


# --- dates that break later stages ---------------------------------------------------------------------------------

@case("dates-0001-run", "dates", good=2, then=("cluster", "report"), records=True)
def _(d: Path, s: Scale) -> list[str]:
    bad = [json.dumps({"title": "Ancient bridge", "text": f"The ancient bridge was opened on day {k}.", "published": f"0001-01-{k:02d}"})
           for k in range(1, 31)]
    return [_write(d / "ancient.jsonl", _jsonl("d0001", bad))]


@case("dates-9999-in-story", "dates", good=2, then=("cluster", "report"), records=True)
def _(d: Path, s: Scale) -> list[str]:
    bad = [json.dumps({"title": f"Good record {k} of d9999", "text": good_text("d9999", k) + " Updated.", "published": "9999-12-31"})
           for k in range(2)]
    return [_write(d / "future.jsonl", _jsonl("d9999", bad))]


@case("dates-far-apart-shuffled", "dates", good=40, then=("cluster",))
def _(d: Path, s: Scale) -> list[str]:
    import random

    rng = random.Random(7)
    rows = [good_obj("farapart", i, published=f"{rng.randint(1850, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
            for i in range(40)]
    rows += [{"title": f"Undated {i}", "text": good_text("undated", i)} for i in range(10)]
    rng.shuffle(rows)
    return [_write(d / "far.jsonl", "\n".join(json.dumps(r) for r in rows) + "\n")]


# --- targets that are not files -------------------------------------------------------------------------------------

for _name, _target in {"url-loopback": "http://127.0.0.1:9/feed.rss", "url-cgnat": "http://100.64.0.1/feed",
                       "url-metadata": "http://169.254.169.254/latest/meta-data/", "url-ipv6-loopback": "http://[::1]/x",
                       "url-mapped-v4": "http://[::ffff:127.0.0.1]/x", "url-file-scheme": "file:///etc/passwd",
                       "url-bad-port": "http://example.com:99999/", "missing-path": "/nonexistent/newsprism/input.jsonl"}.items():
    def _build(d: Path, s: Scale, _target=_target, _name=_name) -> list[str]:
        return [_target, _write(d / "companion.txt", good_text(_name, 0))]

    CASES.append(Case(_name, "urls", _build, good=1))


# --- running ---------------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    name: str
    category: str
    exit_codes: list[int]
    seconds: float
    peak_rss_mb: float
    good_expected: int
    good_stored: int
    rejections: int
    problems: list[str]


def _run_cli(argv: list[str], timeout: float) -> tuple[int, str, str, float, float]:
    """Run ``newsprism ARGV`` in a forked child; (exit code, stdout, stderr, seconds, child's peak RSS in MB)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:  # the child: the CLI as a user runs it, its output to the files
            code = 70
            try:
                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                from typer.main import get_command

                from newsprism.cli import app

                get_command(app).main(args=argv, prog_name="newsprism", standalone_mode=True)
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except BaseException:  # noqa: BLE001 - exactly what the runner is looking for
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        while True:
            wpid, status, usage = os.wait4(pid, os.WNOHANG)
            if wpid:
                break
            if time.monotonic() - started > timeout:
                os.kill(pid, signal.SIGKILL)
                _, status, usage = os.wait4(pid, 0)
                break
            time.sleep(0.01)
        seconds = time.monotonic() - started
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return code, out.read().decode(errors="replace"), err.read().decode(errors="replace"), seconds, usage.ru_maxrss / 1024


def run_case(c: Case, root: Path, scale: Scale, timeout: float = 120.0) -> Outcome:
    folder = root / c.name
    folder.mkdir(parents=True, exist_ok=True)
    targets = c.build(folder, scale)
    db = root / f"{c.name}.db"
    problems: list[str] = []
    codes: list[int] = []
    seconds = peak = 0.0
    rejections: list[str] = []
    steps = [["ingest", *targets, "--db", str(db), "--json", *c.args]]
    for stage in c.then:
        steps.append(["cluster", "--db", str(db)] if stage == "cluster" else ["report", str(root / f"{c.name}-report"), "--db", str(db)])
    for argv in steps:
        code, out, err, secs, rss = _run_cli(argv, timeout)
        codes.append(code)
        seconds, peak = max(seconds, secs), max(peak, rss)
        if "Traceback" in err or "Traceback" in out:
            problems.append(f"{argv[0]}: traceback: {err.strip().splitlines()[-1] if err.strip() else out[-200:]}")
        allowed = c.exits if argv[0] == "ingest" else (0,)
        if code not in allowed:
            problems.append(f"{argv[0]}: exit {code}, expected one of {allowed}: {err.strip()[-300:]}")
        if argv[0] == "ingest" and out.strip():
            try:
                rejections = json.loads(out)["rejections"]
            except (ValueError, KeyError):
                problems.append("ingest --json printed no JSON report")
        if secs > TIME_LIMIT_S:
            problems.append(f"{argv[0]}: {secs:.1f} s > {TIME_LIMIT_S:.0f} s")
        if rss > RSS_LIMIT_MB:
            problems.append(f"{argv[0]}: peak RSS {rss:.0f} MB > {RSS_LIMIT_MB} MB")
    stored = 0
    if db.exists():
        con = sqlite3.connect(db)
        stored = con.execute("SELECT count(*) FROM articles WHERE text LIKE ?", (f"%{MARK} %",)).fetchone()[0]
        con.close()
    if stored < c.good:
        problems.append(f"{c.good - stored} of {c.good} good records lost")
    for line in rejections:
        where, _, reason = line.partition(": ")
        if not reason.strip():
            problems.append(f"rejection without a reason: {line[:120]}")
        if not any(where.startswith(t) for t in targets):
            problems.append(f"rejection naming no input: {line[:120]}")
        if c.records and where.rstrip().endswith("]") is False and not where.startswith(("http", "/nonexistent")):
            # a file of many records: the rejection of one record names it (a whole-file one may not)
            if not any(k in reason for k in ("the file ends early", "rest of file", "expands past", "no <REUTERS>", "unterminated quotes")):
                problems.append(f"rejection naming no record: {line[:120]}")
    return Outcome(c.name, c.category, codes, round(seconds, 2), round(peak, 1), c.good, stored, len(rejections), problems)


def run_all(names: list[str] | None = None, quick: bool = False, root: Path | None = None) -> list[Outcome]:
    scale = Scale(bomb_bytes=256 * 2**20 if quick else 2 * 2**30)
    chosen = [c for c in CASES if not names or c.name in names]
    with tempfile.TemporaryDirectory(prefix="newsprism-hostile-") as tmp:
        base = root or Path(tmp)
        return [run_case(c, base, scale) for c in chosen]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="bombs expand to 256 MiB, not 2 GiB")
    parser.add_argument("--only", nargs="*", help="run these cases only")
    parser.add_argument("--out", type=Path, help="write every outcome as JSON here")
    args = parser.parse_args()
    import newsprism.cli  # noqa: F401 - imported once here, before the forks

    started = time.monotonic()
    outcomes = run_all(args.only, args.quick)
    failed = [o for o in outcomes if o.problems]
    for o in outcomes:
        mark = "FAIL" if o.problems else "ok  "
        print(f"{mark} {o.name:38} exit {o.exit_codes} {o.seconds:6.2f}s {o.peak_rss_mb:6.0f}MB "
              f"good {o.good_stored}/{o.good_expected} rejected {o.rejections}")
        for p in o.problems:
            print(f"       {p}")
    tracebacks = sum(any("traceback" in p for p in o.problems) for o in outcomes)
    lost = sum(max(0, o.good_expected - o.good_stored) for o in outcomes)
    summary = {"inputs": len(outcomes), "failed": len(failed), "tracebacks": tracebacks, "good_records_lost": lost,
               "max_rss_mb": max(o.peak_rss_mb for o in outcomes), "max_seconds": max(o.seconds for o in outcomes),
               "total_seconds": round(time.monotonic() - started, 1), "quick": args.quick,
               "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"}
    print(json.dumps(summary))
    if args.out:
        args.out.write_text(json.dumps({"summary": summary, "cases": [o.__dict__ for o in outcomes]}, indent=1))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
