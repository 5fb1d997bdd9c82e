"""Outcomes stated in words: votes and verdicts, negation, pleas, tallies, several languages."""

from __future__ import annotations

import pytest

from newsprism.extract.outcomes import find_labels


def labels(text: str) -> list[tuple[str, str]]:
    return [(x.slot, x.value) for x in find_labels(text, "a")]


@pytest.mark.parametrize("text, expected", [
    ("The board voted unanimously to cut rates.", ("vote", "unanimous")),
    ("The decision was split, with one board member voting to hold.", ("vote", "split")),
    ("The vote was not unanimous.", ("vote", "split")),
    ("La decisión fue unánime.", ("vote", "unanimous")),
    ("Der Beschluss fiel einstimmig.", ("vote", "unanimous")),
    ("会议一致通过了该决议。", ("vote", "unanimous")),
    ("The court ruled by a 5-4 vote.", ("vote", "split")),
    ("The measure passed by a vote of 9 to 0.", ("vote", "unanimous")),
    ("A jury found him guilty of manslaughter.", ("verdict", "guilty")),
    ("She was acquitted on all counts.", ("verdict", "not guilty")),
    ("El acusado fue absuelto.", ("verdict", "not guilty")),
])
def test_outcomes(text, expected):
    assert set(labels(text)) == {expected}


def test_a_plea_is_not_a_verdict_and_dissent_is_not_a_vote():
    assert labels("He pleaded not guilty at his arraignment.") == []
    assert labels("The government cracked down on dissent.") == []


def test_spans_point_at_the_words():
    text = "After a long night the board voted unanimously."
    (x,) = find_labels(text, "a", offset=100)
    assert text[x.span.start - 100 : x.span.end - 100] == x.text == "unanimously"


def test_not_guilty_with_an_object_is_not_guilty():
    assert labels("The jury found her not guilty on Friday.") == [("verdict", "not guilty")]
