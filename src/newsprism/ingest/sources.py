"""Turn what the user named (paths, directories, archives, ``-``, URLs) into a stream of blobs.

A blob is one document-bearing byte stream with a name that says where it came from,
e.g. ``data/reuters.tar.xz!reut2-000.sgm``. Compressed files and archives are opened as
streams, never unpacked to disk, so memory stays flat however large the input.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import lzma
import os
import sys
import tarfile
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from ..model import RawRecord, Rejection
from .errors import InputError, RecordError  # (imported from here by the readers too)
from .fetch import fetch

HEAD_BYTES = 8192
COMPRESSION_SUFFIXES = (".gz", ".xz", ".bz2")
DEFAULT_EXPANDED_BYTES = 8 * 2**30


def one_line(exc: BaseException) -> str:
    """The first line of an exception's message, at most 200 characters: enough for a rejection."""
    return (str(exc).splitlines() or [""])[0][:200]


def capped_readline(stream, limit: int) -> tuple[bytes | str, bool]:
    """One line of a byte or text stream, and whether it was longer than ``limit``: such a line's rest
    is read and dropped in 1 MiB steps, never held whole in memory."""
    line = stream.readline(limit + 1)
    newline = b"\n" if isinstance(line, bytes) else "\n"
    if len(line) <= limit or line.endswith(newline):
        return line, False
    while (rest := stream.readline(2**20)) and not rest.endswith(newline):
        pass
    return line, True


def record_boundary(origin: str, label: str | None, build: Callable[[], RawRecord | Rejection]) -> RawRecord | Rejection:
    """Each record is its own error boundary: whatever goes wrong while turning it into a ``RawRecord``
    becomes a rejection naming the file and record, and the reader goes on with the next one."""
    try:
        return build()
    except RecordError as exc:
        return Rejection(origin, str(exc), label)
    except RecursionError:
        return Rejection(origin, "nested too deeply to read", label)
    except Exception as exc:  # noqa: BLE001 - a hostile record must not end the file, whatever it trips
        return Rejection(origin, f"unreadable record ({type(exc).__name__}: {one_line(exc)})", label)


@dataclass
class Blob:
    name: str
    stream: BinaryIO
    size: int | None = None
    url: str | None = None
    content_type: str | None = None
    guard: "Guard | None" = field(default=None, repr=False)  # the decompression under it, for its cut
    _head: bytes | None = field(default=None, repr=False)

    @property
    def head(self) -> bytes:
        if self._head is None:
            peek = getattr(self.stream, "peek", None)
            self._head = peek(HEAD_BYTES)[:HEAD_BYTES] if peek else b""
        return self._head

    @property
    def base_name(self) -> str:
        """The file name without archive path or compression suffix, used for format sniffing."""
        leaf = self.name.rsplit("!", 1)[-1].rsplit("/", 1)[-1]
        lower = leaf.lower()
        for suffix in COMPRESSION_SUFFIXES:
            if lower.endswith(suffix):
                return leaf[: -len(suffix)]
        return leaf

    def read(self, limit: int | None = None) -> bytes:
        """Read the whole blob; past ``limit`` bytes raise InputError rather than load a giant file."""
        if limit is None:
            return self.stream.read()
        data = self.stream.read(limit + 1)
        if len(data) > limit:
            raise InputError(
                f"larger than {limit / 1e6:.0f} MB; a single article file is limited to that "
                "(raise --max-doc-mb, or split the file into records, e.g. JSONL)"
            )
        return data


def _buffered(stream: BinaryIO) -> io.BufferedReader:
    return stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream, HEAD_BYTES * 2)  # type: ignore[arg-type]


# A compressed stream that ends early raises one of these from read(); the guard turns that into an
# end of file plus a note, so the records before the cut are kept and the cut is reported.
_TRUNCATION = (EOFError, zlib.error, lzma.LZMAError, OSError)


class Guard(io.RawIOBase):
    """A decompressed stream or archive member, counted: past ``limit`` bytes it raises InputError,
    so a small bomb never expands into memory or time; a compressed stream cut short ends cleanly and
    says so in ``truncated``."""

    def __init__(self, inner: BinaryIO, limit: int, what: str, parent: "Guard | None" = None):
        self.inner, self.limit, self.what, self.parent = inner, limit, what, parent
        self.count = 0
        self.truncated: str | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self.truncated:
            return 0
        try:
            # read1: one step of the decompressor. A plain read(n) loops until n bytes, and when the
            # stream is cut inside that loop the bytes it already had are lost with the EOFError.
            read1 = getattr(self.inner, "read1", None)
            data = read1(len(buffer)) if read1 is not None else self.inner.read(len(buffer))
        except _TRUNCATION as exc:
            self.truncated = describe_error(exc)
            return 0
        n = len(data)
        self.count += n
        if self.count > self.limit:
            raise InputError(f"{self.what} expands past {self.limit / 2**20:,.0f} MiB (a compression bomb, or raise "
                             "--max-expanded-mb)")
        buffer[:n] = data
        return n

    def cut(self) -> str | None:
        """Why this stream, or one it is read from, ended early; None when it ended where it should."""
        return self.truncated or (self.parent.cut() if self.parent else None)


def _decompress(name: str, stream: io.BufferedReader, limit: int, parent: Guard | None) -> tuple[io.BufferedReader, Guard | None]:
    """Peel gzip / xz / bzip2 layers, recognised by magic bytes rather than by name."""
    guard = parent
    for _ in range(3):
        head = stream.peek(6)[:6]
        if head[:2] == b"\x1f\x8b":
            inner: BinaryIO = gzip.GzipFile(fileobj=stream)  # type: ignore[arg-type]
        elif head[:6] == b"\xfd7zXZ\x00":
            inner = lzma.LZMAFile(stream)  # type: ignore[arg-type]
        elif head[:3] == b"BZh":
            inner = bz2.BZ2File(stream)  # type: ignore[arg-type]
        else:
            break
        guard = Guard(inner, limit, name, guard)
        stream = _buffered(guard)  # type: ignore[arg-type]
    return stream, guard


def _is_tar(head: bytes) -> bool:
    return len(head) >= 262 and head[257:262] == b"ustar"


def _expand_stream(name: str, raw: BinaryIO, size: int | None = None, limit: int = DEFAULT_EXPANDED_BYTES,
                   parent: Guard | None = None) -> Iterator[Blob]:
    stream, guard = _decompress(name, _buffered(raw), limit, parent)
    head = stream.peek(HEAD_BYTES)[:HEAD_BYTES]
    if _is_tar(head):
        # Streaming mode ('r|'): each member is read as the consumer iterates, in order.
        with tarfile.open(fileobj=stream, mode="r|") as tar:
            for member in tar:
                if not member.isfile() or _hidden(member.name):
                    continue
                fobj = tar.extractfile(member)
                if fobj is not None:
                    member_name = f"{name}!{member.name}"
                    yield from _expand_stream(member_name, Guard(fobj, limit, member_name, guard), member.size, limit)
        return
    if head[:4] == b"PK\x03\x04" and not _looks_like_office(head):
        with _seekable(stream, limit, name) as data, zipfile.ZipFile(data) as zf:
            for info in zf.infolist():
                if info.is_dir() or _hidden(info.filename):
                    continue
                member_name = f"{name}!{info.filename}"
                with zf.open(info) as member:
                    yield from _expand_stream(member_name, Guard(member, limit, member_name), info.file_size, limit)
        return
    yield Blob(name=name, stream=stream, size=size, guard=guard)


@contextlib.contextmanager
def _seekable(stream: io.BufferedReader, limit: int, name: str) -> Iterator[BinaryIO]:
    """A zip needs to seek to its directory at the end: a file on disk is used as it is; a zip inside a
    compressed stream or another archive is spooled to a temporary file (never to memory past 8 MiB),
    no larger than the expansion limit."""
    raw = getattr(stream, "raw", None)
    if isinstance(raw, io.FileIO) and stream.seekable():
        yield stream
        return
    with tempfile.SpooledTemporaryFile(max_size=8 * 2**20) as spool:
        copied = 0
        while chunk := stream.read(2**20):
            copied += len(chunk)
            if copied > limit:
                raise InputError(f"zip archive {name} expands past {limit / 2**20:,.0f} MiB (raise --max-expanded-mb)")
            spool.write(chunk)
        spool.seek(0)
        yield spool  # type: ignore[misc]


def _looks_like_office(head: bytes) -> bool:
    # .docx/.xlsx/.epub are zips too; treat them as one (unsupported) document, not an archive.
    return b"[Content_Types].xml" in head or b"mimetypeapplication/epub" in head


def _hidden(path: str) -> bool:
    return any(part.startswith(".") for part in Path(path).parts if part not in (".", ".."))


def is_url(target: str) -> bool:
    return target.startswith(("http://", "https://"))


def fetch_url(url: str, allow_private: bool = False, timeout: float = 30.0) -> Blob:
    """A URL's body as a blob; the body's decompressed size is capped like a file's (``Guard``)."""
    resp = fetch(url, allow_private, timeout)
    return Blob(name=url, stream=io.BufferedReader(io.BytesIO(resp.body)), size=len(resp.body), url=url,
                content_type=resp.content_type)


def iter_files(path: Path) -> Iterator[Path]:
    """Files under a directory, recursively, in a stable order, skipping hidden ones."""
    if path.is_file():
        yield path
        return
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for fname in sorted(files):
            if not fname.startswith("."):
                yield Path(root) / fname


def describe_error(exc: BaseException) -> str:
    """One line for a low-level read failure, in words a user can act on."""
    if isinstance(exc, EOFError):
        return f"truncated compressed data ({exc})"
    if isinstance(exc, (gzip.BadGzipFile, lzma.LZMAError, OSError)) and "gzip" in str(exc).lower():
        return f"corrupt gzip data ({exc})"
    if isinstance(exc, lzma.LZMAError):
        return f"corrupt xz data ({exc})"
    if isinstance(exc, tarfile.TarError):
        return f"corrupt tar archive ({exc})"
    if isinstance(exc, zipfile.BadZipFile):
        return f"corrupt zip archive ({exc})"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return f"{type(exc).__name__}: {exc}"


READ_ERRORS = (OSError, EOFError, lzma.LZMAError, tarfile.TarError, zipfile.BadZipFile, InputError)


def expand(target: str, allow_private_urls: bool = False,
           max_expanded_bytes: int = DEFAULT_EXPANDED_BYTES) -> Iterator["Blob | tuple[str, str]"]:
    """Blobs for one command-line target; a file that cannot be opened yields ``(name, reason)`` instead.

    A failure in one file never ends the walk of the directory it is in. Whatever is decompressed or
    unpacked is counted against ``max_expanded_bytes`` per file and per archive member.
    """
    limit = max_expanded_bytes
    if target == "-":
        try:
            yield from _expand_stream("<stdin>", sys.stdin.buffer, limit=limit)
        except READ_ERRORS as exc:
            yield ("<stdin>", describe_error(exc))
        return
    if is_url(target):
        try:
            blob = fetch_url(target, allow_private_urls)
            for inner in _expand_stream(blob.name, blob.stream, blob.size, limit):
                if inner.name == target:
                    inner.url = target
                inner.content_type = blob.content_type
                yield inner
        except READ_ERRORS as exc:
            yield (target, describe_error(exc))
        return
    path = Path(target)
    if not path.exists():
        yield (target, "no such file or directory")
        return
    for file in iter_files(path):
        try:
            with open(file, "rb") as handle:
                yield from _expand_stream(str(file), handle, file.stat().st_size, limit)
        except READ_ERRORS as exc:
            yield (str(file), describe_error(exc))
