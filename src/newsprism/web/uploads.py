"""Receiving an upload (multipart/form-data) as a stream: files go to disk as they arrive, under the
size limit counted while reading, and no file is read for a caller who has not shown the write token.

The API sends the token in the Authorization header, checked before a byte of the body is read; the
web UI's form sends it as a field placed before the file input, checked when the first file begins.
Two files with one name are both kept (each in its own numbered folder); a name like '..' or
'/etc/passwd' is only a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from python_multipart.multipart import MultipartParser, parse_options_header

FIELD_BYTES = 64 * 1024  # all form fields together: a token, a URL


class UploadError(Exception):
    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status, self.detail = status, detail


@dataclass
class Upload:
    files: list[Path] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    bytes: int = 0


def safe_name(name: str | None) -> str:
    """A file name to store an upload under: its last path part, no leading dots (hidden files are
    skipped by ingest), only plain characters; 'upload' when nothing is left."""
    leaf = re.split(r"[\\/]", name or "")[-1]
    leaf = re.sub(r"[^\w.\-]+", "_", leaf).lstrip(".")
    return leaf[:120] or "upload"


async def receive(request, folder: Path, max_bytes: int, authorized: Callable[[str | None], bool],
                  header_ok: bool) -> Upload:
    """Stream a multipart body into ``folder``. ``header_ok``: the caller already showed the token;
    else the form's ``token`` field must be valid before any file is read."""
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    if ctype == b"application/x-www-form-urlencoded":
        return await _form_fields(request, authorized, header_ok)
    if ctype != b"multipart/form-data" or b"boundary" not in params:
        raise UploadError(415, "send multipart/form-data: files in 'files', or a feed/page 'url'")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise UploadError(413, f"upload larger than {max_bytes / 2**20:.0f} MiB")
    upload = Upload()
    part: dict = {}
    field_bytes = [0]

    def on_part_begin() -> None:
        part.clear()
        part.update(headers={}, name=None, filename=None, handle=None, value=bytearray(), header=b"", hvalue=b"")

    def on_header_field(data: bytes, start: int, end: int) -> None:
        part["header"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        part["hvalue"] += data[start:end]

    def on_header_end() -> None:
        part["headers"][part["header"].lower()] = part["hvalue"]
        part["header"], part["hvalue"] = b"", b""

    def on_headers_finished() -> None:
        _, disposition = parse_options_header(part["headers"].get(b"content-disposition", b""))
        part["name"] = disposition.get(b"name", b"").decode("utf-8", "replace")
        filename = disposition.get(b"filename")
        if filename is None:
            return
        if not (header_ok or authorized(upload.fields.get("token"))):
            raise UploadError(401, "writing needs the operator's token")
        target = folder / f"{len(upload.files):03d}" / safe_name(filename.decode("utf-8", "replace"))
        target.parent.mkdir(parents=True, exist_ok=True)
        part["filename"] = target
        part["handle"] = open(target, "wb")
        upload.files.append(target)

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if part.get("handle") is not None:
            part["handle"].write(data[start:end])
            return
        field_bytes[0] += end - start
        if field_bytes[0] > FIELD_BYTES:
            raise UploadError(413, f"form fields larger than {FIELD_BYTES // 1024} KiB")
        part["value"] += data[start:end]

    def on_part_end() -> None:
        if part.get("handle") is not None:
            part["handle"].close()
        elif part.get("name"):
            upload.fields[part["name"]] = part["value"].decode("utf-8", "replace")

    parser = MultipartParser(params[b"boundary"], {
        "on_part_begin": on_part_begin, "on_header_field": on_header_field, "on_header_value": on_header_value,
        "on_header_end": on_header_end, "on_headers_finished": on_headers_finished, "on_part_data": on_part_data,
        "on_part_end": on_part_end})
    try:
        async for chunk in request.stream():
            upload.bytes += len(chunk)
            if upload.bytes > max_bytes:
                raise UploadError(413, f"upload larger than {max_bytes / 2**20:.0f} MiB")
            try:
                parser.write(chunk)
            except UploadError:
                raise
            except Exception as exc:  # noqa: BLE001 - the parser's own complaint about a malformed body
                raise UploadError(400, f"malformed multipart body: {exc}") from None
        parser.finalize()
    finally:
        if part.get("handle") is not None and not part["handle"].closed:
            part["handle"].close()
    if not (header_ok or authorized(upload.fields.get("token"))):
        raise UploadError(401, "writing needs the operator's token")
    return upload


async def _form_fields(request, authorized: Callable[[str | None], bool], header_ok: bool) -> Upload:
    """A form with fields only (a URL to ingest): read up to FIELD_BYTES, never more."""
    from urllib.parse import parse_qsl

    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > FIELD_BYTES:
            raise UploadError(413, f"form fields larger than {FIELD_BYTES // 1024} KiB")
    upload = Upload(fields=dict(parse_qsl(body.decode("utf-8", "replace"))), bytes=len(body))
    if not (header_ok or authorized(upload.fields.get("token"))):
        raise UploadError(401, "writing needs the operator's token")
    return upload
