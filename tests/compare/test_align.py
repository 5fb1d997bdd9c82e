"""Claim units: which sentences count as claims, and how a sentence divides into clauses."""

from __future__ import annotations

from newsprism.compare.align import clause_spans, is_claim


def clauses(text: str) -> list[str]:
    return [text[s:e] for s, e in clause_spans(text, 0)]


def test_short_sentences_are_claims_but_bylines_are_not():
    assert is_claim("No one was hurt.") and is_claim("No hubo heridos.") and is_claim("事故未造成人员受伤。")
    assert not is_claim("By Ana Ruiz") and not is_claim("Photo: Reuters") and not is_claim("更多新闻")


def test_clauses_are_long_enough_to_say_something():
    lead = ("A freight train derailed near Zaragoza on Monday, forcing the closure of the Madrid-Barcelona "
            "high-speed line for at least 24 hours, rail infrastructure manager Adif said.")
    assert clauses(lead) == ["A freight train derailed near Zaragoza on Monday",
                             "forcing the closure of the Madrid-Barcelona high-speed line for at least 24 hours",
                             "rail infrastructure manager Adif said."]
    assert clauses("西班牙萨拉戈萨附近23日一列货运列车脱轨，马德里至巴塞罗那高速铁路至少中断48小时。") == [
        "西班牙萨拉戈萨附近23日一列货运列车脱轨", "马德里至巴塞罗那高速铁路至少中断48小时。"]
    # "Madrid and Barcelona" is no clause break: a piece too short to say anything joins its neighbour
    assert clauses("Trains between Madrid and Barcelona were cancelled.") == []
    text = "  The blaze spread quickly, and more than 3,000 residents fled their homes overnight."
    assert [text[s:e] for s, e in clause_spans(text.strip(), 2)] == ["The blaze spread quickly", "more than 3,000 residents fled their homes overnight."]


def test_a_quotation_is_not_cut():
    quote = '"This is not charity, it is survival," said Fiji\'s Prime Minister Sitiveni Rabuka at the meeting in Suva.'
    assert clauses(quote) == []
    german = "„Automatisierung darf nicht heißen, dass Menschen weggeworfen werden“, sagte die Gewerkschaftsführerin am Donnerstag."
    assert clauses(german) == ["„Automatisierung darf nicht heißen, dass Menschen weggeworfen werden“",
                               "sagte die Gewerkschaftsführerin am Donnerstag."]  # the quotation stays whole
