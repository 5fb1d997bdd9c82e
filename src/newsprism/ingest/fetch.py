"""Fetching a URL without letting it reach inside the network it runs on (SSRF).

The host is resolved once, every address it resolves to must be globally routable, and the
connection goes to the address that was checked, so a DNS answer that changes between the check
and the connect (rebinding) cannot redirect it. Redirects are followed by hand, each hop checked
the same way, at most ``MAX_REDIRECTS`` of them. The body is read up to a byte limit.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import urllib.parse
from dataclasses import dataclass
from typing import Callable

from .errors import InputError

MAX_REDIRECTS = 5
URL_MAX_BYTES = 50 * 1024 * 1024
USER_AGENT = "newsprism/0.1 (+self-hosted news analysis)"

Resolver = Callable[[str, int], list[str]]
AddressPolicy = Callable[[ipaddress.IPv4Address | ipaddress.IPv6Address], bool]


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise InputError(f"cannot resolve host {host!r}: {exc.strerror}") from None
    return list(dict.fromkeys(info[4][0] for info in infos))


def public_only(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Globally routable only: not private, loopback, link-local, carrier-grade NAT (100.64/10),
    documentation, benchmarking or reserved ranges. An IPv4-mapped IPv6 address is judged as IPv4."""
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return addr.is_global and not addr.is_multicast


def any_address(_addr) -> bool:
    return True


@dataclass
class Response:
    url: str  # the final URL, after redirects
    body: bytes
    content_type: str | None
    status: int = 200  # 304: not modified since the validators sent (the body is empty)
    etag: str | None = None
    last_modified: str | None = None


def _target(url: str) -> tuple[urllib.parse.SplitResult, int]:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError("only http(s) URLs with a host name can be ingested")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise InputError(f"bad port in URL {url!r}") from None
    return parts, port


def check_url(url: str, allow_private: bool = False, resolver: Resolver = resolve,
              policy: AddressPolicy | None = None) -> str:
    """The address to connect to for ``url``: resolved once, every answer allowed by the policy."""
    return _hop(url, allow_private, resolver, policy)[2]


def _hop(url: str, allow_private: bool, resolver: Resolver, policy: AddressPolicy | None
         ) -> tuple[urllib.parse.SplitResult, int, str]:
    """(the URL's parts, its port, the checked address to connect to) for one hop."""
    parts, port = _target(url)
    policy = policy or (any_address if allow_private else public_only)
    addresses = resolver(parts.hostname or "", port)
    if not addresses:
        raise InputError(f"host {parts.hostname!r} has no address")
    for raw in addresses:
        addr = ipaddress.ip_address(raw.split("%", 1)[0])
        if not policy(addr):
            raise InputError(f"host {parts.hostname!r} resolves to a non-public address ({addr}); not allowed")
    return parts, port, addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # The certificate is checked against the host name, while the socket goes to the checked address.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def fetch(url: str, allow_private: bool = False, timeout: float = 30.0, max_bytes: int = URL_MAX_BYTES,
          resolver: Resolver = resolve, policy: AddressPolicy | None = None,
          headers: dict[str, str] | None = None, data: bytes | None = None) -> Response:
    """GET ``url`` (POST ``data``, when given), following a GET's redirects by hand; every hop's address is
    checked and then used. A POST is not redirected: a receiver that moved answers with an error."""
    for _ in range(MAX_REDIRECTS + 1):
        parts, port, address = _hop(url, allow_private, resolver, policy)
        conn_cls = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
        conn = conn_cls(parts.hostname or "", port, address, timeout)
        path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        try:
            conn.request("GET" if data is None else "POST", path, body=data,
                         headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity", **(headers or {})})
            resp = conn.getresponse()
            if resp.status in (301, 302, 303, 307, 308) and data is None:
                location = resp.getheader("Location")
                if not location:
                    raise InputError(f"fetch failed: HTTP {resp.status} redirect without a Location")
                url = urllib.parse.urljoin(url, location)
                continue
            if resp.status == 304:
                return Response(url, b"", resp.getheader("Content-Type"), 304, resp.getheader("ETag"), resp.getheader("Last-Modified"))
            if resp.status >= 300:
                raise InputError(f"fetch failed: HTTP Error {resp.status}: {resp.reason}")
            declared = resp.getheader("Content-Length")
            if (declared and declared.isdigit() and int(declared) > max_bytes) or len(body := resp.read(max_bytes + 1)) > max_bytes:
                raise InputError(f"response larger than {max_bytes:,} bytes")
            return Response(url, body, resp.getheader("Content-Type"), resp.status, resp.getheader("ETag"),
                            resp.getheader("Last-Modified"))
        except (OSError, http.client.HTTPException) as exc:
            raise InputError(f"fetch failed: {exc}") from None
        finally:
            conn.close()
    raise InputError(f"fetch failed: more than {MAX_REDIRECTS} redirects")
