import pytest

from newsprism.extract.patterns import AnyCase


def test_matches_any_case_at_the_texts_offsets():
    p = AnyCase(r"\b(last|next)\s+(monday|tuesday)\b")
    text = "He spoke LAST Monday and will return Next tuesday."
    hits = [(m.start(), m.end(), m.group(1)) for m in p.finditer(text)]
    assert [text[s:e] for s, e, _ in hits] == ["LAST Monday", "Next tuesday"]
    assert [g for _, _, g in hits] == ["last", "next"]  # groups read lowercase


def test_text_that_grows_when_lowercased_keeps_its_offsets():
    # 'İ' lowercases to two characters: offsets into text.lower() would be off by one after it
    text = "İstanbul, last Monday"
    (m,) = list(AnyCase(r"last\s+monday").finditer(text))
    assert text[m.start() : m.end()] == "last Monday"


def test_an_uppercase_literal_is_refused():
    with pytest.raises(ValueError, match="uppercase"):
        AnyCase(r"\bUSD\s\d+")
    AnyCase(r"\S+\s\W\D\B")  # escapes are not literals
