"""Ingesting from URLs: feeds and pages over HTTP, and the refusal of non-public addresses."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest
from tests.conftest import FIXTURES, records


@pytest.fixture
def server():
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(FIXTURES))
    handler.log_message = lambda *a, **k: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_feed_and_page_from_urls(server):
    recs, rej = records([f"{server}/harbor_feed.rss", f"{server}/kessler_museum.html"], allow_private_urls=True)
    assert not rej
    assert [r.source for r in recs] == ["Harbor Wire - World", "Harbor Wire - World", "Northline Post"]
    assert recs[2].url == f"{server}/kessler_museum.html"


def test_loopback_refused_unless_allowed(server):
    recs, rej = records([f"{server}/harbor_feed.rss"])
    assert not recs and "non-public address" in rej[0].reason


def test_only_http_urls(server):
    from newsprism.ingest.fetch import check_url
    from newsprism.ingest.sources import InputError

    with pytest.raises(InputError, match="only http"):
        check_url("file:///etc/passwd")
    recs, rej = records([f"{server}/missing.rss"], allow_private_urls=True)
    assert not recs and "fetch failed" in rej[0].reason and "404" in rej[0].reason


def test_html_without_article_text_is_rejected(tmp_path):
    page = tmp_path / "empty.html"
    page.write_text("<!DOCTYPE html><html><head><title>Home</title></head><body><nav><a href='/'>Home</a></nav></body></html>")
    recs, rej = records([page])
    assert not recs and rej[0].reason.startswith("no article text found in the HTML page")


# --- SSRF: every hop checked, the checked address used, only global addresses -----------------------------

class _Redirect(http.server.BaseHTTPRequestHandler):
    target = ""
    hits: list[str] = []

    def do_GET(self):
        self.hits.append(self.path)
        if self.path.startswith("/hop"):
            self.send_response(302)
            self.send_header("Location", self.target)
            self.end_headers()
        elif self.path.startswith("/loop"):
            self.send_response(301)
            self.send_header("Location", "/loop")
            self.end_headers()
        else:
            body = b"<html><body><article><p>" + b"The harbour reopened its northern pier after repairs. " * 5 + b"</p></article></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def redirector():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Redirect)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    _Redirect.hits = []
    yield httpd.server_address[1]
    httpd.shutdown()


def _only(*allowed: str):
    import ipaddress

    return lambda addr: str(addr) in allowed and isinstance(addr, ipaddress.IPv4Address)


def test_a_redirect_to_a_forbidden_address_is_refused(redirector):
    """The first hop is allowed; where it redirects is checked the same way (urllib followed it unchecked)."""
    from newsprism.ingest.fetch import fetch
    from newsprism.ingest.sources import InputError

    _Redirect.target = f"http://127.0.0.2:{redirector}/page"
    with pytest.raises(InputError, match="non-public address \\(127.0.0.2\\)"):
        fetch(f"http://127.0.0.1:{redirector}/hop", policy=_only("127.0.0.1"))
    _Redirect.target = f"http://127.0.0.1:{redirector}/page"
    assert b"northern pier" in fetch(f"http://127.0.0.1:{redirector}/hop", policy=_only("127.0.0.1")).body


def test_the_connection_goes_to_the_address_that_was_checked(redirector):
    """DNS rebinding: a resolver that answers a checked address first and a forbidden one after is
    asked once per hop, and the socket goes to the first answer."""
    from newsprism.ingest.fetch import fetch

    answers = iter([["127.0.0.1"], ["10.0.0.1"]])
    calls = []

    def rebinding(host, port):
        calls.append(host)
        return next(answers)

    resp = fetch(f"http://news.example:{redirector}/page", resolver=rebinding, policy=_only("127.0.0.1"))
    assert calls == ["news.example"] and b"northern pier" in resp.body


def test_redirect_loops_end(redirector):
    from newsprism.ingest.fetch import MAX_REDIRECTS, fetch
    from newsprism.ingest.sources import InputError

    with pytest.raises(InputError, match="redirects"):
        fetch(f"http://127.0.0.1:{redirector}/loop", allow_private=True)
    assert len(_Redirect.hits) == MAX_REDIRECTS + 1


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "100.127.255.254",
                                     "169.254.169.254", "0.0.0.0", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1",
                                     "::ffff:10.0.0.1", "192.0.2.1", "198.18.0.1", "224.0.0.1", "255.255.255.255"])
def test_only_globally_routable_addresses_are_public(address):
    import ipaddress

    from newsprism.ingest.fetch import public_only

    assert not public_only(ipaddress.ip_address(address))


def test_public_addresses_pass():
    import ipaddress

    from newsprism.ingest.fetch import public_only

    assert public_only(ipaddress.ip_address("93.184.216.34")) and public_only(ipaddress.ip_address("2606:2800:220:1::1"))


def test_a_response_over_the_size_limit_is_refused(redirector):
    from newsprism.ingest.fetch import fetch
    from newsprism.ingest.sources import InputError

    with pytest.raises(InputError, match="larger than"):
        fetch(f"http://127.0.0.1:{redirector}/page", allow_private=True, max_bytes=100)
