"""The web UI in a real browser: Playwright driving Debian's headless Chromium (installed by .ci/run;
never `playwright install`) against `newsprism serve`'s app on a loopback port.

NEWSPRISM_SCREENSHOTS=1 also writes the screenshots shown in the README to docs/screenshots/.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import clustered_demo_db

CHROMIUM = "/usr/bin/chromium"
TOKEN = "e2e-token"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed (.ci/run installs it)")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    from newsprism.api import Settings, create_app

    db = clustered_demo_db(tmp_path_factory.mktemp("e2e") / "web.db")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(Settings(db=str(db), write_token=TOKEN)), host="127.0.0.1",
                                        port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def page(server):
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        pg = browser.new_page(viewport={"width": 1200, "height": 900})
        pg.set_default_timeout(30_000)
        yield pg
        browser.close()


def shot(page, name: str) -> None:
    if os.environ.get("NEWSPRISM_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_story_list_and_story_page_with_contradictions_and_timeline(server, page):
    page.goto(f"{server}/?order=size")
    rows = page.locator("#stories tr")
    assert rows.count() == 16  # header + the demo's 15 stories
    shot(page, "stories")
    page.locator("#stories tr:nth-child(2) td:nth-child(6) a").click()
    page.wait_for_url("**/stories/*")
    assert page.get_by_role("heading", name="Contradictions").is_visible()
    assert "killed" in page.inner_text("body") and page.get_by_role("heading", name="Timeline").is_visible()
    chart = page.locator("svg.timeline")
    assert chart.is_visible() and chart.locator("rect.pub").count() >= 2 and chart.bounding_box()["height"] > 60
    if os.environ.get("NEWSPRISM_SCREENSHOTS") == "1":
        chart.screenshot(path=str(SHOTS / "timeline.png"))
    shot(page, "story")


def test_article_page_highlights_extractions(server, page):
    page.goto(f"{server}/?order=size")
    page.locator("#stories tr:nth-child(2) td:nth-child(6) a").click()
    page.locator("table a[href^='/articles/']").first.click()
    page.wait_for_url("**/articles/*")
    assert page.locator(".text mark.quote").count() > 0 and page.locator(".text mark.figure").count() > 0
    shot(page, "article")


def test_search(server, page):
    page.goto(server)
    page.get_by_label("search").fill("渡轮")
    page.get_by_role("button", name="search").click()
    page.wait_for_url("**/search?q=*")
    assert page.locator("#hits li").count() >= 1
    shot(page, "search")


def test_merge_two_stories_and_see_the_result(server, page):
    page.goto(f"{server}/?order=size")
    last = page.locator("#stories tr").last.locator("td").first.inner_text()
    before_last = page.locator("#stories tr").nth(-2).locator("td").first.inner_text()
    page.goto(f"{server}/stories/{before_last}")
    page.get_by_label("stories to merge").fill(last)
    page.locator("form[action='/ui/merge'] input[name=token]").fill(TOKEN)
    page.get_by_role("button", name="merge").click()
    page.wait_for_url(f"**/stories/{before_last}")
    assert page.locator("table").first.locator("tr").count() == 3  # header + the two singletons, now one story
    page.goto(f"{server}/?order=size")
    assert page.locator("#stories tr").count() == 15  # one story fewer


def test_upload_a_file(server, page, tmp_path):
    doc = {"id": "up-1", "title": "Harbour seals return to the Scheldt estuary", "published": "2026-03-31", "lang": "en",
           "text": "Harbour seals have returned to the Scheldt estuary in numbers not seen for decades, "
                   "rangers counting from boats said on Tuesday."}
    path = tmp_path / "upload.jsonl"
    path.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    page.goto(server)
    page.get_by_label("files").set_input_files(str(path))
    page.locator("form[action='/ui/ingest'] input[name=token]").fill(TOKEN)
    page.get_by_role("button", name="ingest").click()
    page.wait_for_selector("text=Ingested")
    assert "new 1" in page.inner_text("body")
