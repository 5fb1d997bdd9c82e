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
    assert page.status_code == 200 and "Where they disagree" in page.text and "Which report carries which claim" in page.text
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
    r = client.post("/api/ingest", files=files, headers=auth(), params={"wait": 120})
    assert r.status_code == 202 and r.json()["state"] == "done" and r.json()["ingest"]["new"] == 1
    art = client.get("/api/articles", params={"q": "cats"}).json()["items"][0]
    page = client.get(f"/articles/{art['id']}").text
    assert "<script>" not in page and "&lt;script&gt;" in page
    story = client.get(f"/api/articles/{art['id']}").json()["story"]
    markdown = client.get(f"/api/stories/{story}/dossier", params={"format": "md"}).text
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown
    assert client.post("/api/ingest", data={"url": "file:///etc/passwd"}, headers=auth()).status_code == 422
    bad = client.post("/api/ingest", data={"url": "http://127.0.0.1:9/feed"}, headers=auth(), params={"wait": 120}).json()
    assert bad["ingest"]["rejected"] == 1 and "non-public address" in bad["ingest"]["rejections"][0]


def test_read_token_and_read_only_server(tmp_path):
    app = TestClient(create_app(Settings(db=str(tmp_path / "ro.db"), read_token="r")))
    assert app.get("/api/stories").status_code == 401
    assert app.get("/api/stories", headers={"Authorization": "Bearer r"}).status_code == 200
    assert app.post("/api/stories/merge", json={"target": 1, "others": [2]}).status_code == 403


def _jsonl_doc(n: int) -> bytes:
    return (json.dumps({"title": f"Pier report {n}", "text": f"The harbour reopened pier {n} after repairs to its deck.",
                        "published": "2026-03-2%d" % n, "lang": "en"}) + "\n").encode()


def test_ingest_runs_as_a_job_with_a_status_endpoint(client):
    r = client.post("/api/ingest", files={"files": ("job.jsonl", _jsonl_doc(1), "application/json")}, headers=auth())
    assert r.status_code == 202 and r.json()["state"] in ("queued", "running", "done")
    done = client.get(r.json()["status_url"], params={"wait": 120}).json()
    assert done["state"] == "done" and done["ingest"]["new"] == 1 and done["progress"]["stage"] == "done"
    assert client.get("/api/jobs/nosuchjob").status_code == 404
    page = client.get(f"/jobs/{done['id']}")
    assert page.status_code == 200 and "new 1" in page.text


def test_two_uploaded_files_with_one_name_are_both_kept_and_odd_names_are_names(client):
    files = [("files", ("same.jsonl", _jsonl_doc(2), "application/json")), ("files", ("same.jsonl", _jsonl_doc(3), "application/json")),
             ("files", ("..", _jsonl_doc(4), "application/json")), ("files", (".", _jsonl_doc(5), "application/json")),
             ("files", ("../../etc/passwd", _jsonl_doc(6), "application/json"))]
    r = client.post("/api/ingest", files=files, headers=auth(), params={"wait": 120})
    assert r.status_code == 202 and r.json()["ingest"]["new"] == 5, r.json()


def test_unauthenticated_uploads_are_refused_before_any_file_is_read(tmp_path):
    from newsprism.jobs import uploads_dir

    db = tmp_path / "auth.db"
    app = TestClient(create_app(Settings(db=str(db), write_token=TOKEN)))
    r = app.post("/api/ingest", files={"files": ("a.jsonl", _jsonl_doc(1) * 1000, "application/json")})
    assert r.status_code == 401
    assert not any(p.is_file() for p in uploads_dir(str(db)).rglob("*"))  # no byte of the file was kept
    # the token as a form field works when it comes before the files (the web UI's form is built so)
    ok = app.post("/api/ingest", data={"token": TOKEN}, files={"files": ("a.jsonl", _jsonl_doc(1), "application/json")},
                  params={"wait": 120})
    assert ok.status_code == 202 and ok.json()["ingest"]["new"] == 1
    # a cookie never authorises a write (cross-site request forgery)
    app.cookies.set("newsprism_token", TOKEN)
    assert app.post("/api/stories/merge", json={"target": 1, "others": [2]}).status_code == 401


def test_upload_size_is_limited_while_streaming(tmp_path):
    app = TestClient(create_app(Settings(db=str(tmp_path / "lim.db"), write_token=TOKEN, max_upload_bytes=4096)))
    big = {"files": ("big.jsonl", _jsonl_doc(1) * 100, "application/json")}
    assert app.post("/api/ingest", files=big, headers=auth()).status_code == 413

    def chunks():  # no Content-Length: the limit is counted as the body arrives
        yield b"--b\r\nContent-Disposition: form-data; name=files; filename=x.jsonl\r\n\r\n"
        for _ in range(100):
            yield _jsonl_doc(1)
        yield b"\r\n--b--\r\n"

    r = app.post("/api/ingest", content=chunks(), headers={**auth(), "Content-Type": "multipart/form-data; boundary=b"})
    assert r.status_code == 413


def test_security_headers_on_every_response(client):
    for path in ("/", "/api/stories", "/api/stories/987654", "/search?q=x"):
        headers = client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]


@pytest.mark.parametrize("path", ["/api/stories/99999999999999999999999", "/stories/99999999999999999999",
                                  "/api/stories?offset=99999999999999999999999", "/?offset=99999999999999999999999",
                                  "/api/articles?offset=-1", "/api/stories/99999999999999999999/dossier"])
def test_huge_ids_and_offsets_are_client_errors_not_500s(client, path):
    assert client.get(path).status_code == 422


def test_merge_into_itself_is_a_client_error(client):
    sid = client.get("/api/stories").json()["items"][0]["id"]
    r = client.post("/api/stories/merge", json={"target": sid, "others": [sid]}, headers=auth())
    assert r.status_code == 422 and "itself" in r.json()["detail"]
    assert client.get(f"/api/stories/{sid}").status_code == 200


def test_a_story_that_grew_is_served_from_its_previous_page_while_the_new_one_is_made(tmp_path):
    import time

    from newsprism.pipeline import ingest, move_articles
    from newsprism.store import open_store

    db = clustered_demo_db(tmp_path / "grow.db")
    app = TestClient(create_app(Settings(db=str(db))))
    sid = app.get("/api/stories", params={"order": "size"}).json()["items"][0]["id"]
    first = app.get(f"/stories/{sid}").text
    assert "being computed" not in first
    store = open_store(db)
    (tmp_path / "more.jsonl").write_bytes(_jsonl_doc(7))
    report = ingest([str(tmp_path / "more.jsonl")], store, keep_new_ids=True)
    move_articles(store, report.new_ids, sid)  # the story grows, as a live ingest job would make it
    store.close()
    during = app.get(f"/stories/{sid}").text
    assert "being computed" in during and during.replace(pages_updating(), "") == first
    for _ in range(300):
        after = app.get(f"/stories/{sid}").text
        if "being computed" not in after:
            break
        time.sleep(0.1)
    assert "being computed" not in after and "Pier report 7" in after


def pages_updating() -> str:
    from newsprism.web.pages import UPDATING

    return UPDATING


def test_upload_folders_no_job_will_read_are_swept_at_start(tmp_path):
    import os
    import time

    from newsprism.jobs import uploads_dir

    db = str(tmp_path / "sweep.db")
    create_app(Settings(db=db, write_token=TOKEN))
    stray = uploads_dir(db) / "deadbeef0000" / "000"
    stray.mkdir(parents=True)
    (stray / "half.jsonl").write_bytes(b'{"text": "cut off while arriv')
    arriving = uploads_dir(db) / "cafe00000000"
    arriving.mkdir()
    create_app(Settings(db=db, write_token=TOKEN))
    assert (uploads_dir(db) / "deadbeef0000").exists()  # it may still be arriving, for another server process
    two_hours_ago = time.time() - 7200
    os.utime(uploads_dir(db) / "deadbeef0000", (two_hours_ago, two_hours_ago))
    create_app(Settings(db=db, write_token=TOKEN))  # a server starting again, long after a kill mid-upload
    assert not (uploads_dir(db) / "deadbeef0000").exists() and arriving.exists()


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    """A server on the demo left as clustered (the tests above edit theirs)."""
    db = clustered_demo_db(tmp_path_factory.mktemp("reader") / "reader.db")
    return TestClient(create_app(Settings(db=str(db), write_token=TOKEN)))


def test_the_readers_view_of_a_story(reader):
    client = reader
    sid = client.get("/api/stories", params={"order": "size"}).json()["items"][0]["id"]
    view = client.get(f"/api/stories/{sid}/view").json()
    listed = client.get("/api/stories", params={"order": "size"}).json()["items"][0]
    assert view["headline"] == listed["title"]  # the list names a story as its page does
    killed = next(d for d in view["disputes"] if d["slot"] == "killed")
    assert killed["values"][0]["role"] == "majority" and {v["role"] for v in killed["values"][1:]} == {"outlier"}
    assert set(view["counts"]) == {"agreed", "disputed", "single", "updates"} and view["counts"]["disputed"] >= 1
    page = client.get(f"/stories/{sid}").text
    assert page.index("Where they disagree") < page.index("What they agree on")
    assert "odd one out" in page and "majority" in page and "<details>" in page
    assert f"/articles/" in page and "#span" in page  # every reference is a link to its span


def test_story_list_filters_sort_and_pages(client):
    zh = client.get("/api/stories", params={"lang": "zh"}).json()["items"]
    assert zh and all("zh" in s["languages"] for s in zh)
    assert client.get("/api/stories", params={"since": "March 3"}).status_code == 422
    page = client.get("/", params={"lang": "zh", "order": "size"})
    assert page.status_code == 200 and page.text.count("<li><h2>") == len(zh)
    empty = client.get("/", params={"lang": "xx"}).text
    assert "No story matches these filters" in empty
    assert "newer page" in client.get("/", params={"offset": 1}).text


def test_search_finds_stories_across_languages_and_marks_the_words(reader):
    client = reader
    found = client.get("/api/stories/search", params={"q": "渡轮"}).json()["items"]
    ferry = found[0]["summary"]
    assert set(ferry["languages"]) >= {"en", "zh"}  # a Chinese query finds the story, English reports and all
    page = client.get("/search", params={"q": "ferry"}).text
    assert "<mark class=hit>" in page and "/stories/" in page
    assert "Nothing matches" in client.get("/search", params={"q": "zzzqqq"}).text
    assert "any language" in client.get("/search").text


def test_a_person_page_lists_their_quotes(reader):
    client = reader
    sid = client.get("/api/stories", params={"order": "size"}).json()["items"][0]["id"]
    speaker = client.get(f"/api/stories/{sid}/dossier").json()["quotes"][0]["speaker"]
    person = client.get(f"/api/people/{speaker}").json()
    names = {speaker} | {s["alias"] for s in person["spellings"]}  # (拉蒙·德尔加多, in the Chinese report)
    assert person["items"] and all(any(q["speaker"] in names for q in a["quotes"]) for a in person["items"])
    assert speaker in client.get(f"/people/{speaker}").text
    assert "No quote of Nobody Atall" in client.get("/people/Nobody Atall").text


def test_a_person_page_shows_every_spelling_the_corpus_taught(reader):
    client = reader
    found = client.get("/api/stories/search", params={"q": "Pacific climate fund"}).json()["items"]
    sid = found[0]["summary"]["id"]
    assert client.get(f"/api/stories/{sid}/dossier").status_code == 200  # comparing the story teaches its spellings
    person = client.get("/api/people/兰布卡").json()
    assert person["name"] == "Sitiveni Rabuka" and {s["alias"] for s in person["spellings"]} == {"兰布卡", "Lan Buka"}
    assert {a["lang"] for a in person["items"]} == {"en", "zh"}  # his quotes under both spellings, one page
    page = client.get("/people/Sitiveni Rabuka").text
    assert "Also written" in page and "兰布卡" in page and "#span" in page  # each spelling links to its evidence
    assert "兰布卡 is a spelling of Sitiveni Rabuka" in client.get("/people/兰布卡").text


def test_two_reports_side_by_side(reader):
    client = reader
    sid = client.get("/api/stories", params={"order": "size"}).json()["items"][0]["id"]
    a, b = [x["id"] for x in client.get(f"/api/stories/{sid}").json()["articles"][:2]]
    page = client.get(f"/stories/{sid}/compare", params={"a": a, "b": b})
    assert page.status_code == 200 and "What both report" in page.text and page.text.count("class=pair") >= 2
    assert client.get(f"/stories/{sid}/compare", params={"a": a, "b": "nope"}, headers={"accept": "text/html"}).status_code == 404


def test_errors_are_pages_for_browsers_and_json_for_the_api(client):
    html = {"accept": "text/html,application/xhtml+xml"}
    page = client.get("/stories/999999", headers=html)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html") and "<h1>Not found</h1>" in page.text
    bad = client.get("/stories/abc", headers=html)
    assert bad.status_code == 422 and "<h1>" in bad.text
    token = client.post("/ui/merge", data={"target": 1, "others": "2", "token": "wrong"}, headers=html)
    assert token.status_code == 401 and "Token needed" in token.text
    assert client.post("/ui/merge", data={"target": 1, "others": "two", "token": TOKEN}, headers=html).status_code == 422
    assert client.get("/api/stories/999999").json() == {"detail": "no story 999999"}


def test_api_docs_work_offline(client):
    docs = client.get("/docs").text
    assert "/static/swagger/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/swagger/swagger-ui.css").status_code == 200


def test_a_correction_is_confirmed_then_undone(client):
    stories = client.get("/api/stories", params={"order": "size"}).json()["items"]
    a, b = stories[0]["id"], stories[-1]["id"]
    size = stories[0]["size"]
    ask = client.post("/ui/merge", data={"target": a, "others": str(b), "token": TOKEN})
    assert ask.status_code == 200 and "Merge stories?" in ask.text and "Yes, do it" in ask.text
    assert len(client.get(f"/api/stories/{a}").json()["articles"]) == size  # nothing done before the yes
    done = client.post("/ui/merge", data={"target": a, "others": str(b), "token": TOKEN, "confirm": "1"})
    assert done.status_code == 200 and "Stories merged." in done.text and "/ui/undo" in done.text
    assert len(client.get(f"/api/stories/{a}").json()["articles"]) == size + 1
    undone = client.post("/ui/undo", data={"token": TOKEN})
    assert undone.status_code == 200 and "undone" in undone.text
    assert len(client.get(f"/api/stories/{a}").json()["articles"]) == size
    assert len(client.get(f"/api/stories/{b}").json()["articles"]) == 1


def test_the_operator_names_an_outlet(client):
    art = client.get("/api/articles", params={"limit": 1}).json()["items"][0]
    assert client.patch(f"/api/articles/{art['id']}/outlet", json={"name": "Coastal Times"}).status_code == 401
    r = client.patch(f"/api/articles/{art['id']}/outlet", json={"name": " Coastal  Times "}, headers=auth())
    assert r.json() == {"article": art["id"], "source": "Coastal Times"}
    assert client.patch("/api/articles/nope/outlet", json={"name": "X"}, headers=auth()).status_code == 404


def test_a_server_encodes_queries_in_a_child_and_survives_its_death(reader):
    from newsprism import search

    first = reader.get("/api/stories/search", params={"q": "ferry"}).json()["items"]
    child = next(iter(search._ENCODERS.values()))
    child._worker._proc.kill()  # killed: the next query is still answered, and a new child is started
    child._worker._proc.wait()
    again = reader.get("/api/stories/search", params={"q": "ferry"}).json()["items"]
    assert [g["story"] for g in again] == [g["story"] for g in first]
    assert search._ENCODERS.get(child.name) is not child
    assert reader.get("/api/stories/search", params={"q": "ferry"}).status_code == 200
