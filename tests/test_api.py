"""The HTTP API and web UI, in-process (FastAPI's TestClient): reads, writes behind the token, escaping."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tests.conftest import clustered_demo_db

from newsprism.api import Settings, create_app

TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = clustered_demo_db(tmp_path_factory.mktemp("api") / "api.db")
    return TestClient(create_app(Settings(db=str(db), write_token=TOKEN)))


def auth():
    return {"Authorization": f"Bearer {TOKEN}"}


def test_story_list_story_and_dossier(client):
    stories = client.get("/api/stories", params={"order": "size"}).json()["items"]
    assert stories[0]["size"] == 5 and len(stories) == 15
    sid = stories[0]["id"]
    story = client.get(f"/api/stories/{sid}").json()
    assert len(story["articles"]) == 5
    dossier = client.get(f"/api/stories/{sid}/dossier").json()
    assert any(c["slot"] == "killed" for c in dossier["contradictions"])
    page = client.get(f"/stories/{sid}")
    assert page.status_code == 200 and "Contradictions" in page.text and "Coverage" in page.text
    assert client.get("/api/stories/9999").status_code == 404
    assert "openapi" in client.get("/openapi.json").json()


def test_articles_search_and_article_page(client):
    items = client.get("/api/articles", params={"lang": "zh", "limit": 3}).json()["items"]
    assert len(items) == 3 and all(a["lang"] == "zh" for a in items)
    hits = client.get("/api/search", params={"q": "渡轮"}).json()["items"]
    assert hits and client.get("/search", params={"q": "ferry"}).status_code == 200
    page = client.get(f"/articles/{items[0]['id']}")
    assert page.status_code == 200 and "<mark" in page.text


def test_writes_need_the_token_and_edits_apply(client):
    stories = client.get("/api/stories", params={"order": "size"}).json()["items"]
    a, b = stories[-1]["id"], stories[-2]["id"]
    assert client.post("/api/stories/merge", json={"target": a, "others": [b]}).status_code == 401
    assert client.post("/api/stories/merge", json={"target": a, "others": [b]}, headers=auth()).json() == {"story": a}
    assert len(client.get(f"/api/stories/{a}").json()["articles"]) == 2
    moved = client.get(f"/api/stories/{a}").json()["articles"][0]["id"]
    new = client.post("/api/stories/split", json={"article_ids": [moved]}, headers=auth()).json()["story"]
    assert [x["id"] for x in client.get(f"/api/stories/{new}").json()["articles"]] == [moved]


def test_upload_is_escaped_and_urls_are_checked(client):
    doc = {"id": "evil-1", "title": "<script>alert(1)</script> Harbour cats", "published": "2026-03-30",
           "text": "A <script>alert('x')</script> tag in an article about cats living in the harbour of Rotterdam. " * 3,
           "lang": "en"}
    files = {"files": ("evil.jsonl", json.dumps(doc).encode(), "application/json")}
    r = client.post("/api/ingest", files=files, headers=auth())
    assert r.status_code == 200 and r.json()["ingest"]["new"] == 1
    art = client.get("/api/articles", params={"q": "cats"}).json()["items"][0]
    page = client.get(f"/articles/{art['id']}").text
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert client.post("/api/ingest", data={"url": "file:///etc/passwd"}, headers=auth()).status_code == 422
    bad = client.post("/api/ingest", data={"url": "http://127.0.0.1:9/feed"}, headers=auth()).json()
    assert bad["ingest"]["rejected"] == 1 and "non-public address" in bad["ingest"]["rejections"][0]


def test_read_token_and_read_only_server(tmp_path):
    app = TestClient(create_app(Settings(db=str(tmp_path / "ro.db"), read_token="r")))
    assert app.get("/api/stories").status_code == 401
    assert app.get("/api/stories", headers={"Authorization": "Bearer r"}).status_code == 200
    assert app.post("/api/stories/merge", json={"target": 1, "others": [2]}).status_code == 403
