from __future__ import annotations

from newsprism.cluster.dedup import Deduplicator
from newsprism.model import RawRecord
from newsprism.ingest.normalize import normalize

BODY = ("The port authority said forty ships were waiting to berth on Thursday as dockworkers began a "
        "48-hour strike against the automation of two container terminals in Rotterdam, the largest port in Europe. "
        "Union leader Mieke de Vries demanded written guarantees for every worker displaced by the new cranes.")


def art(text, **kw):
    return normalize(RawRecord(text=text, origin="t.jsonl", lang="en", **kw))


def test_exact_copy_from_another_outlet():
    d = Deduplicator()
    original = art(BODY, source="Harbor Wire", url="https://hw.example/a", published="2026-03-05")
    d.add(original)
    copy = art(BODY.upper(), source="Coastal Times", url="https://ct.example/b", published="2026-03-05")
    link = d.check(copy)
    assert (link.type, link.target_id, link.score) == ("copy-of", original.id, 1.0)


def test_near_copy_from_same_outlet_later_is_an_update():
    d = Deduplicator()
    original = art(BODY, source="Harbor Wire", url="https://hw.example/a", published="2026-03-05")
    d.add(original)
    update = art(BODY + " Talks were due to resume on Monday.", source="Harbor Wire", url="https://hw.example/a2", published="2026-03-06")
    link = d.check(update)
    assert link.type == "update-of" and link.target_id == original.id and link.score >= 0.8


def test_different_articles_and_short_texts_are_not_duplicates():
    d = Deduplicator()
    d.add(art(BODY, source="Harbor Wire"))
    assert d.check(art("A magnitude 6.1 earthquake struck the Arequipa region of southern Peru on Sunday, "
                       "killing two people and injuring 40, the national civil defence institute said. " * 2)) is None
    d.add(art("Breaking news.", source="A"))
    assert d.check(art("Breaking news!", source="B")).type == "copy-of"  # exact after normalising punctuation
    assert d.check(art("Breaking news today.", source="B")) is None  # short: no fuzzy matching


def test_translation_needs_another_language_close_headlines_and_shared_figures():
    import numpy as np

    from newsprism.cluster.dedup import Member

    d = Deduplicator()
    e = np.array([1.0, 0.0], dtype=np.float32)
    near = np.array([0.9, 0.43589], dtype=np.float32)  # cosine 0.9
    members = [Member("zh1", "zh", {"12", "103", "87"}, near), Member("en2", "en", {"12", "103", "87"}, e)]
    link = d.translation("en1", "en", {"12", "103", "87", "5"}, e, members)
    assert (link.type, link.target_id, link.score) == ("translation-of", "zh1", 0.9)
    assert d.translation("en1", "en", {"40", "2"}, e, members) is None  # different figures
    far = [Member("zh1", "zh", {"12", "103", "87"}, np.array([0.5, 0.866], dtype=np.float32))]
    assert d.translation("en1", "en", {"12", "103", "87"}, e, far) is None  # headlines too far apart


def test_forgotten_articles_are_no_longer_matched_but_exact_keys_stay():
    d = Deduplicator()
    original = art(BODY, source="Harbor Wire", url="https://hw.example/a", published="2026-03-05")
    d.add(original)
    d.forget([original.id])
    assert not d.sigs and not d.bands and not d.meta  # near-copy state goes with the story
    update = art(BODY + " Talks were due to resume on Monday.", source="Harbor Wire", published="2026-03-06")
    assert d.check(update) is None
    # exact keys are cheap and kept, bounded by count: old boilerplate is still recognised
    assert d.check(art(BODY, source="Coastal Times")).type == "copy-of"
    d.keep_exact = 2
    for i in range(3):
        d.add(art(f"{BODY} Extra sentence number {i} about the strike.", source="X"))
    assert len(d.exact) == 2
