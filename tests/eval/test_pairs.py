from __future__ import annotations

import json

from newsprism.eval.pairs import evaluate

PAIRS = [
    ("Ferry sinks off Cebu, 12 dead. The MV Santa Lucia capsized near Danao port, the coast guard said.",
     "菲律宾宿务渡轮沉没。圣卢西亚号渡轮在达瑙港附近翻覆，海岸警卫队说。", "en", "zh", 1.0),
    ("Ferry sinks off Cebu, 12 dead. The MV Santa Lucia capsized near Danao port, the coast guard said.",
     "Cebu ferry death toll rises to 14 as divers recover bodies near Danao port, coast guard says.", "en", "en", 1.0),
    ("Chile's central bank cuts its key rate to 4.5% as inflation slows to 3.8%.",
     "Kenyan runner wins the Lisbon half marathon in a course record.", "en", "en", 4.0),
    ("Dockworkers strike at Rotterdam over automation of container terminals.",
     "Sevilla presenta el cartel de la Feria de Abril, obra de una pintora local.", "en", "es", 4.0),
]


def test_similar_pairs_score_higher(tmp_path):
    path = tmp_path / "pairs.jsonl"
    path.write_text("".join(json.dumps({"pair_id": str(i), "text1": a, "text2": b, "lang1": l1, "lang2": l2,
                                        "scores": {"Overall": o}}) + "\n" for i, (a, b, l1, l2, o) in enumerate(PAIRS)))
    result = evaluate(path)
    assert result["pairs"] == 4 and result["pearson_r"] > 0.8
    assert set(result["per_language_pair"]) == {"en", "en-zh", "en-es"}


def test_pairs_as_stories_count_what_lands_together(tmp_path):
    from newsprism.eval.pairs import evaluate_stories

    path = tmp_path / "pairs.jsonl"
    path.write_text("".join(json.dumps({"pair_id": str(i), "text1": a, "text2": b, "lang1": l1, "lang2": l2,
                                        "scores": {"Overall": o}}) + "\n" for i, (a, b, l1, l2, o) in enumerate(PAIRS)))
    result = evaluate_stories(path)
    together = result["together"]
    assert result["articles"] == 7  # the English ferry report is in two pairs: stored once
    assert together["monolingual"]["same"]["pairs"] == 1 and together["monolingual"]["different"]["pairs"] == 1
    assert together["cross-lingual"]["same"]["pairs"] == 1 and together["cross-lingual"]["different"]["pairs"] == 1
    # unrelated reports never share a story; the two English ferry reports do
    assert together["monolingual"]["different"]["together"] == 0 and together["cross-lingual"]["different"]["together"] == 0
    assert together["monolingual"]["same"]["together"] == 1
