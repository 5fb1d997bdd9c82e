"""Turn what the user named (paths, directories, archives, ``-``, URLs) into a stream of blobs.

A blob is one document-bearing byte stream with a name that says where it came from,
e.g. ``data/reuters.tar.xz!reut2-000.sgm``. Compressed files and archives are opened as
streams, never unpacked to disk, so memory stays flat however large the input.
"""

from __future__ import annotations

import bz2
import gzip
import io
import ipaddress
import lzma
import os
import socket
import sys
import tarfile
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator

HEAD_BYTES = 8192
COMPRESSION_SUFFIXES = (".gz", ".xz", ".bz2")
URL_MAX_BYTES = 50 * 1024 * 1024


class InputError(Exception):
    """An input as a whole cannot be read; the message is the one-line reason."""


@dataclass
class Blob:
    name: str
    stream: BinaryIO
    size: int | None = None
    url: str | None = None
    content_type: str | None = None
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


def _decompress(name: str, stream: io.BufferedReader) -> tuple[str, io.BufferedReader]:
    """Peel gzip / xz / bzip2 layers, recognised by magic bytes rather than by name."""
    for _ in range(3):
        head = stream.peek(6)[:6]
        if head[:2] == b"\x1f\x8b":
            stream = _buffered(gzip.GzipFile(fileobj=stream))  # type: ignore[arg-type]
        elif head[:6] == b"\xfd7zXZ\x00":
            stream = _buffered(lzma.LZMAFile(stream))  # type: ignore[arg-type]
        elif head[:3] == b"BZh":
            stream = _buffered(bz2.BZ2File(stream))  # type: ignore[arg-type]
        else:
            break
    return name, stream


def _is_tar(head: bytes) -> bool:
    return len(head) >= 262 and head[257:262] == b"ustar"


def _expand_stream(name: str, raw: BinaryIO, size: int | None = None) -> Iterator[Blob]:
    name, stream = _decompress(name, _buffered(raw))
    head = stream.peek(HEAD_BYTES)[:HEAD_BYTES]
    if _is_tar(head):
        # Streaming mode ('r|'): each member is read as the consumer iterates, in order.
        with tarfile.open(fileobj=stream, mode="r|") as tar:
            for member in tar:
                if not member.isfile() or _hidden(member.name):
                    continue
                fobj = tar.extractfile(member)
                if fobj is not None:
                    yield from _expand_stream(f"{name}!{member.name}", fobj, member.size)
        return
    if head[:4] == b"PK\x03\x04" and not _looks_like_office(head):
        data = io.BytesIO(stream.read())
        with zipfile.ZipFile(data) as zf:
            for info in zf.infolist():
                if info.is_dir() or _hidden(info.filename):
                    continue
                with zf.open(info) as member:
                    yield from _expand_stream(f"{name}!{info.filename}", member, info.file_size)
        return
    yield Blob(name=name, stream=stream, size=size)


def _looks_like_office(head: bytes) -> bool:
    # .docx/.xlsx/.epub are zips too; treat them as one (unsupported) document, not an archive.
    return b"[Content_Types].xml" in head or b"mimetypeapplication/epub" in head


def _hidden(path: str) -> bool:
    return any(part.startswith(".") for part in Path(path).parts if part not in (".", ".."))


def is_url(target: str) -> bool:
    return target.startswith(("http://", "https://"))


def check_url(url: str, allow_private: bool = False) -> None:
    """Refuse non-http(s) URLs and, unless allowed, hosts that resolve to private or loopback addresses."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError("only http(s) URLs with a host name can be ingested")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise InputError(f"cannot resolve host {parts.hostname!r}: {exc.strerror}") from None
    for info in infos:
        addr = ipaddress.ip_address(info[4][0])
        if addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_reserved or addr.is_multicast:
            raise InputError(f"host {parts.hostname!r} resolves to a non-public address ({addr}); not allowed")


def fetch_url(url: str, allow_private: bool = False, timeout: float = 30.0) -> Blob:
    check_url(url, allow_private)
    request = urllib.request.Request(url, headers={"User-Agent": "newsprism/0.1 (+self-hosted news analysis)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310 - scheme checked above
            data = resp.read(URL_MAX_BYTES + 1)
            ctype = resp.headers.get("Content-Type")
    except OSError as exc:
        raise InputError(f"fetch failed: {exc}") from None
    if len(data) > URL_MAX_BYTES:
        raise InputError(f"response larger than {URL_MAX_BYTES // 2**20} MiB")
    return Blob(name=url, stream=io.BufferedReader(io.BytesIO(data)), size=len(data), url=url, content_type=ctype)


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


def expand(target: str, allow_private_urls: bool = False) -> Iterator["Blob | tuple[str, str]"]:
    """Blobs for one command-line target; a file that cannot be opened yields ``(name, reason)`` instead.

    A failure in one file never ends the walk of the directory it is in.
    """
    if target == "-":
        try:
            yield from _expand_stream("<stdin>", sys.stdin.buffer)
        except READ_ERRORS as exc:
            yield ("<stdin>", describe_error(exc))
        return
    if is_url(target):
        try:
            blob = fetch_url(target, allow_private_urls)
            for inner in _expand_stream(blob.name, blob.stream, blob.size):
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
                yield from _expand_stream(str(file), handle, file.stat().st_size)
        except READ_ERRORS as exc:
            yield (str(file), describe_error(exc))
