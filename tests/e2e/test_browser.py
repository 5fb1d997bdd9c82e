"""The web UI in a real browser: Playwright driving Debian's headless Chromium (installed by .ci/run;
never `playwright install`) against `newsprism serve`'s app on a loopback port: the reader's story page,
references that open their span, search across languages, a person's page, layouts at 390 and 360 px,
keyboard-only use, and axe-core's accessibility checks on every page type (axe-core from npm, installed
by .ci/run into tests/e2e/node_modules and injected by the test).

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
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
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
        # CSP lets no script but the server's own run: axe-core is injected past it, in the test's context only
        context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        pg = context.new_page()
        pg.set_default_timeout(30_000)
        yield pg
        browser.close()


def shot(page, name: str) -> None:
    if os.environ.get("NEWSPRISM_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def ferry_story(server, page) -> str:
    """The demo's biggest story (the ferry sinking, in three languages): its page's URL."""
    page.goto(f"{server}/?order=size")
    page.locator("#stories > li h2 a").first.click()
    page.wait_for_url("**/stories/*")
    return page.url


def test_story_list_filters_sorts_and_names_stories_as_their_pages_do(server, page):
    page.goto(server)
    assert page.locator("#stories > li").count() == 15  # the demo's 15 stories
    page.get_by_label("Sort by", exact=True).select_option("size")
    page.get_by_label("Language", exact=True).select_option("zh")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/?order=size&lang=zh*")
    items = page.locator("#stories > li")
    assert items.count() >= 3 and all("ZH" in items.nth(i).inner_text() for i in range(items.count()))
    shot(page, "stories")
    title = items.first.locator("h2").inner_text()
    items.first.locator("h2 a").click()
    page.wait_for_url("**/stories/*")
    assert page.locator("h1").inner_text() == title


def test_a_story_page_says_what_the_story_is_and_where_reports_disagree(server, page):
    ferry_story(server, page)
    head = page.locator("header.story-head")
    assert "4 reports and 1 copy from 4 outlets in 3 languages" in head.inner_text()
    assert head.locator(".coverage li").count() == 5 and "disputed" in head.locator(".counts").inner_text()
    # disagreements come first; the majority and the odd one out are told apart in words, not colour only
    assert page.locator("main h2").first.inner_text() == "Where they disagree"
    killed = page.locator(".dispute", has=page.locator("h3", has_text="killed"))
    assert killed.locator(".val.majority .tag").inner_text().lower() == "majority"
    assert killed.locator(".val.outlier .tag").first.inner_text().lower() == "odd one out"
    # a claim whose reports give different tolls is never shown as plain agreement
    assert "killed: 12 / 15" in page.locator("#disagree").inner_text()
    # one sentence per claim; the other wordings behind a disclosure, closed
    claim = page.locator("#agree li.claim").first
    assert claim.locator("details").count() == 1 and not claim.locator("details").evaluate("d => d.open")
    claim.locator("summary").click()
    assert claim.locator("details p").first.is_visible()
    # no empty section: every section has more than its heading
    for i in range(page.locator("main section").count()):
        assert len(page.locator("main section").nth(i).inner_text().splitlines()) > 1
    chart = page.locator("svg.timeline")
    assert chart.is_visible() and chart.locator("rect.pub").count() >= 2 and chart.bounding_box()["height"] > 60
    shot(page, "story")
    if os.environ.get("NEWSPRISM_SCREENSHOTS") == "1":
        chart.screenshot(path=str(SHOTS / "timeline.png"))


def test_a_reference_opens_its_article_at_the_span(server, page):
    ferry_story(server, page)
    ref = page.locator("#disagree .dispute a.cite").filter(has_text="chars").first
    statement = ref.locator("xpath=..").inner_text()
    ref.click()
    page.wait_for_url("**/articles/*span=*#span")
    target = page.locator("mark#span")
    assert target.count() == 1 and target.is_visible()
    assert target.inner_text() in statement  # the very characters the statement quoted
    box = target.bounding_box()
    assert 0 <= box["y"] < page.viewport_size["height"]  # scrolled to it
    shot(page, "article")


def test_two_reports_side_by_side(server, page):
    ferry_story(server, page)
    page.get_by_role("button", name="compare").click()
    page.wait_for_url("**/compare?a=*")
    assert page.get_by_role("heading", name="Two reports side by side").is_visible()
    assert page.locator(".pair").count() >= 3 and page.locator(".pair a.cite").count() >= 2


def test_search_finds_the_story_in_every_language_and_marks_the_words(server, page):
    page.goto(server)
    page.get_by_label("Search stories in any language").fill("渡轮")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search?q=*")
    first = page.locator("#hits > li").first
    assert "Ferry sinks off Cebu" in first.locator("h2").inner_text()  # a Chinese query, the story (English headline)
    assert first.locator("mark.hit").count() >= 1
    shot(page, "search")


def test_a_person_page_gathers_their_quotes(server, page):
    ferry_story(server, page)
    page.locator("#quotes h3 a").first.click()
    page.wait_for_url("**/people/*")
    assert page.locator("h1").inner_text() == "Ramon Delgado"
    langs = {page.locator("ol.hits > li").nth(i).get_attribute("lang") or page.locator("ol.hits > li").nth(i).locator("a").first.get_attribute("lang")
             for i in range(page.locator("ol.hits > li").count())}
    assert {"en", "es"} <= langs


PAGES = ["/", "/?order=size&lang=zh", "STORY", "ARTICLE", "/search?q=ferry", "/search?q=nothing-matches-this",
         "/people/Ramon%20Delgado", "COMPARE", "/sources", "/alerts", "/stories/424242"]


def _pages(server, page) -> list[str]:
    story = ferry_story(server, page)
    article = page.locator(".coverage a").first.get_attribute("href")
    page.get_by_role("button", name="compare").click()
    page.wait_for_url("**/compare?a=*")
    compare = page.url
    return [{"STORY": story, "ARTICLE": server + article, "COMPARE": compare}.get(p, server + p) for p in PAGES]


@pytest.mark.parametrize("width", [390, 360])
def test_no_page_scrolls_sideways_on_a_phone(server, page, width):
    urls = _pages(server, page)
    page.set_viewport_size({"width": width, "height": 800})
    try:
        for url in urls:
            page.goto(url)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, url
            if "/stories/" in url and "compare" not in url and page.locator("svg.timeline").count():
                # the chart keeps its drawn size (labels readable) in a region that scrolls by itself
                label = page.locator("svg.timeline text").first.bounding_box()
                assert label["height"] >= 10
                if width == 390:
                    shot(page, "story-phone")
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def test_keyboard_only(server, page):
    ferry_story(server, page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    # the timeline's marks are not in the tab order (the list under it carries the same links once)
    assert page.locator("svg.timeline a, svg.timeline [tabindex]").count() == 0
    for _ in range(60):  # tab on to the first reference, and follow it
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('cite')"):
            break
    else:
        raise AssertionError("no reference reached by keyboard")
    page.keyboard.press("Enter")
    page.wait_for_url("**/articles/*")
    assert page.locator("mark#span").count() == 1


def test_accessibility_scan_of_every_page_type(server, page):
    if not AXE.exists():
        pytest.skip("axe-core not installed (.ci/run runs npm install in tests/e2e)")
    problems = {}
    for url in _pages(server, page):
        page.goto(url)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']})")
        bad = [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"] if v["impact"] in ("serious", "critical")]
        if bad:
            problems[url] = bad
    assert problems == {}


def test_errors_are_pages_and_the_api_docs_work_offline(server, page):
    page.goto(f"{server}/stories/424242")
    assert page.locator("h1").inner_text() == "Not found" and page.get_by_role("link", name="Back to the stories").is_visible()
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server) else None)
    page.goto(f"{server}/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    assert outside == []


def test_merge_asks_first_and_can_be_undone(server, page):
    page.goto(f"{server}/?order=size")
    before = page.locator("#stories > li").count()
    ferry_story(server, page)
    form = page.locator("form[action='/ui/merge']")
    form.get_by_label("Merge into this story").select_option(index=0)
    form.get_by_label("token").fill(TOKEN)
    form.get_by_role("button", name="merge…").click()
    assert page.get_by_role("heading", name="Merge stories?").is_visible()
    page.get_by_role("button", name="Yes, do it").click()
    page.wait_for_url("**/stories/*?edited=merge")
    assert "Stories merged." in page.locator(".notice").inner_text()
    page.goto(f"{server}/?order=size")
    assert page.locator("#stories > li").count() == before - 1
    page.go_back()
    page.locator(".notice").get_by_label("token").fill(TOKEN)
    page.locator(".notice").get_by_role("button", name="Undo").click()
    page.wait_for_url("**/stories/*?edited=undo")
    page.goto(f"{server}/?order=size")
    assert page.locator("#stories > li").count() == before


def test_upload_a_file(server, page, tmp_path):
    doc = {"id": "up-1", "title": "Harbour seals return to the Scheldt estuary", "published": "2026-03-31", "lang": "en",
           "text": "Harbour seals have returned to the Scheldt estuary in numbers not seen for decades, "
                   "rangers counting from boats said on Tuesday."}
    path = tmp_path / "upload.jsonl"
    path.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    page.goto(server)
    form = page.locator("form[action='/ui/ingest']")
    form.get_by_label("files").set_input_files(str(path))
    form.get_by_label("token").fill(TOKEN)
    form.get_by_role("button", name="Ingest").click()
    page.wait_for_selector("text=Ingested")
    assert "new 1" in page.inner_text("body")
