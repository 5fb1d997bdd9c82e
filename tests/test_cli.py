"""The command line as a user meets it: summaries, exit codes, JSON output, listing, search, the demo."""

from __future__ import annotations

import json

import pytest
from tests.conftest import FIXTURES, SEEDS, write_jsonl


def test_ingest_then_again_changes_nothing_and_says_so(cli):
    code, out, _ = cli("ingest", str(FIXTURES / "harbor_feed.rss"), "--quiet")
    assert code == 0 and "new 2" in out
    code, out, _ = cli("ingest", str(FIXTURES / "harbor_feed.rss"), "--quiet")
    assert code == 0 and "new 0" in out and "duplicate 2" in out and "nothing new" in out


def test_rejections_are_reported_and_set_the_exit_code(cli, tmp_path):
    good = write_jsonl(tmp_path / "good.jsonl", [{"text": "A fine article.", "source": "Wire"}])
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\x00\x01\x02\x03" * 100)
    code, out, err = cli("ingest", str(good), str(bad), "--quiet")
    assert code == 1
    assert f"{bad}: binary file" in err and "new 1" in out
    code, out, _ = cli("ingest", str(bad), "--json")
    assert code == 3 and json.loads(out)["rejections"][0].startswith(str(bad))


def test_bad_field_mapping_is_a_usage_error(cli):
    code, _, err = cli("ingest", str(FIXTURES / "outlets.csv"), "--field", "body")
    assert code == 2 and "article_field=input_field" in err


def test_stdin(cli):
    code, out, _ = cli("ingest", "-", "--json", input='{"text": "From a pipe.", "source": "Pipe News"}\n')
    assert code == 0 and json.loads(out)["new"] == 1


def test_articles_show_search_stats(cli):
    cli("ingest", str(FIXTURES), "--quiet")
    code, out, _ = cli("articles", "--json", "--source", "Northline Post")
    rows = json.loads(out)
    assert code == 0 and [r["title"] for r in rows] == ["Thieves steal jewels worth 2 million euros from Dresden museum"]
    code, out, _ = cli("show", rows[0]["id"], "--json")
    shown = json.loads(out)
    assert shown["date_provenance"] == "metadata" and shown["sentences"]
    code, out, _ = cli("show", rows[0]["id"])
    assert "Kessler Museum" in out and "metadata" in out
    code, out, _ = cli("search", "Kessler", "--json")
    assert [h["id"] for h in json.loads(out)] == [rows[0]["id"]]
    code, out, _ = cli("stats", "--json", "--rejections")
    stats = json.loads(out)
    assert stats["articles"] >= 8 and any("NEWID=3" in r["record"] for r in stats["rejections"])
    assert cli("show", "no-such-id")[0] == 4


def test_demo_builds_the_demo_store(cli):
    code, out, _ = cli("demo", "--json")
    data = json.loads(out)
    assert code == 0 and data["stats"]["articles"] == 40
    assert set(data["stats"]["languages"]) == {"en", "zh", "es", "de"}
    assert len(data["stories"]) == 15 and data["stories"][0]["size"] == 5
    # Running it again adds nothing and clusters nothing: the store is the same.
    code, out, _ = cli("demo", "--json")
    again = json.loads(out)
    assert again["ingest"]["new"] == 0 and again["cluster"]["articles"] == 0


@pytest.mark.skipif(not SEEDS.exists(), reason="../shared/examples/seeds not present")
def test_seeds_acceptance(cli):
    code, out, _ = cli("ingest", str(SEEDS), "--json")
    assert code == 0 and json.loads(out)["new"] == 2
    code, out, _ = cli("articles", "--json")
    rows = sorted(json.loads(out), key=lambda r: r["published"])
    assert [(r["lang"], r["published"]) for r in rows] == [("en", "2023-05-04"), ("en", "2023-05-05")]
    assert all(r["source"] for r in rows)
    assert json.loads(cli("ingest", str(SEEDS), "--json")[1])["new"] == 0


def test_cluster_stories_story_and_edits(cli):
    from newsprism import demo

    cli("ingest", str(demo.corpus_path()), "--quiet")
    code, out, _ = cli("cluster", "--json")
    assert code == 0 and json.loads(out)["articles"] == 40
    code, out, _ = cli("stories", "--json", "--biggest")
    rows = json.loads(out)
    assert rows[0]["size"] == 5 and set(rows[0]["languages"]) == {"en", "es", "zh"}
    ferry, quake = rows[0]["id"], next(r["id"] for r in rows if "Peru" in r["title"] or "秘鲁" in r["title"])
    code, out, _ = cli("story", str(ferry), "--json")
    members = json.loads(out)["articles"]
    assert {m["method"] for m in members} >= {"new", "duplicate"}
    assert any(link["type"] == "copy-of" for m in members for link in m["links"])
    assert cli("merge", str(ferry), str(quake))[0] == 0
    code, out, _ = cli("story", str(quake))
    assert f"merged into {ferry}" in out
    assert cli("split", "d37")[0] == 0 and cli("move", "d37", str(ferry))[0] == 0
    code, out, _ = cli("story", str(ferry), "--json")
    assert len(json.loads(out)["articles"]) == 5 + 4 + 1
    assert cli("story", "9999")[0] == 4 and cli("move", "d37", "9999")[0] == 4
    # undo, latest first: the move, the split, then the merge
    for action in ("move", "split", "merge"):
        code, out, _ = cli("undo")
        assert code == 0 and f"undid the {action}" in out
    code, out, _ = cli("story", str(ferry), "--json")
    assert len(json.loads(out)["articles"]) == 5 and f"merged into" not in cli("story", str(quake))[1]
    assert cli("undo")[0] == 3  # nothing left to undo
    code, out, _ = cli("outlet", "d37", "Coastal  Times")
    assert code == 0 and cli("show", "d37")[1].count("Coastal Times") >= 1
    assert cli("outlet", "no-such-article", "X")[0] == 4


def test_eval_clustering_on_the_demo_corpus(tmp_path):
    from typer.testing import CliRunner

    from newsprism import demo
    from newsprism.cli import app

    out_file = tmp_path / "assignments.jsonl"
    res = CliRunner().invoke(app, ["eval", "clustering", str(demo.corpus_path()), "--out", str(out_file)])
    result = json.loads(res.stdout)
    assert res.exit_code == 0 and result["articles"] == 40 and result["missing"] == 0
    assert result["bcubed_f1"] == 1.0 and result["pairwise_f1"] == 1.0
    lines = [json.loads(l) for l in out_file.read_text().splitlines()]
    assert len(lines) == 40 and {"id", "story"} == set(lines[0])


def test_a_file_wide_warning_is_reported_once(cli, tmp_path):
    path = tmp_path / "legacy.jsonl"
    path.write_bytes("".join(f'{{"text": "Caf\u00e9 num\u00e9ro {i} a ferm\u00e9."}}\n' for i in range(5)).encode("cp1252"))
    code, out, _ = cli("ingest", str(path), "--json")
    report = json.loads(out)
    assert report["new"] == 5 and len(report["warnings"]) == 1 and "cp1252" in report["warnings"][0]


def test_no_stage_crashes_on_dates_a_store_of_an_older_version_holds(cli, tmp_path):
    """Stores written before dates were checked may hold 0001-01-05 or 9999-12-31: cluster, every
    dossier format and the report still run."""
    from newsprism import demo
    from newsprism.store import open_store

    assert cli("ingest", str(demo.corpus_path()))[0] == 0
    store = open_store(cli.db)
    with store._tx() as cur:  # as an older version wrote them, past today's checks
        ids = store.article_ids()[:6]
        for art_id, day in zip(ids, ["0001-01-05", "9999-12-31", "0001-01-30", "9999-12-31T23:59:59+00:00", "0000", "2023-13"]):
            cur.execute("UPDATE articles SET published = ?, date_precision = 'day' WHERE id = ?", (day, art_id))
    store.close()
    assert cli("cluster")[0] == 0
    code, out, err = cli("report", str(tmp_path / "dossiers"), "--min-size", "1")
    assert code == 0, err
    assert "15 dossiers written" in out or "dossiers written" in out
    for fmt in ("html", "md", "json"):
        assert cli("compare", "1", "--format", fmt)[0] == 0


def test_copy_a_store_to_another_backend_and_resume(cli, tmp_path):
    """`newsprism copy SRC DST`: the demo store moved (from SQLite, or from PostgreSQL) into a new SQLite file;
    run again, it has nothing left to copy; a source that does not exist is a clear error (exit 4)."""
    assert cli("demo", "--json")[0] == 0
    target = str(tmp_path / "copied.db")
    code, out, err = cli.raw("copy", cli.db, target, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["rows"]["articles"] == 40 and report["rows"]["story_members"] == 40
    code, out, _ = cli.raw("stories", "--db", target, "--json")
    assert code == 0 and sum(s["size"] for s in json.loads(out)) == 40
    code, out, _ = cli.raw("copy", cli.db, target, "--json")  # again: the same rows, overwritten in place
    assert code == 0 and json.loads(out)["rows"]["articles"] == 40
    code, _, err = cli.raw("copy", str(tmp_path / "missing.db"), target)
    assert code == 4 and "no such store" in err


def test_person_lists_quotes_under_every_spelling(cli):
    from newsprism import demo

    cli("ingest", str(demo.corpus_path()), "--quiet")
    assert cli("cluster", "--json")[0] == 0
    rows = json.loads(cli("stories", "--json", "--limit", "50")[1])
    pacific = next(r["id"] for r in rows if "Pacific" in r["title"] or "太平洋" in r["title"])
    assert cli("compare", str(pacific))[0] == 0  # comparing the story teaches 兰布卡 = Sitiveni Rabuka
    code, out, _ = cli("person", "兰布卡", "--json")
    person = json.loads(out)
    assert code == 0 and person["name"] == "Sitiveni Rabuka"
    assert {s["alias"] for s in person["spellings"]} == {"兰布卡", "Lan Buka"}
    assert {a["lang"] for a in person["items"]} == {"en", "zh"}
    code, out, _ = cli("person", "Sitiveni Rabuka")
    assert code == 0 and "also written 兰布卡" in out
    assert cli("person", "Nobody Atall")[0] == 4
