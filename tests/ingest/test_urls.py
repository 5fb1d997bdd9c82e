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
