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


@pytest.mark.skipif(not SEEDS.exists(), reason="../shared/examples/seeds not present")
def test_seeds_acceptance(cli):
    code, out, _ = cli("ingest", str(SEEDS), "--json")
    assert code == 0 and json.loads(out)["new"] == 2
    code, out, _ = cli("articles", "--json")
    rows = sorted(json.loads(out), key=lambda r: r["published"])
    assert [(r["lang"], r["published"]) for r in rows] == [("en", "2023-05-04"), ("en", "2023-05-05")]
    assert all(r["source"] for r in rows)
    assert json.loads(cli("ingest", str(SEEDS), "--json")[1])["new"] == 0
