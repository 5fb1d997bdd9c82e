"""Outcomes stated in words, not figures: how a vote went (unanimous or split) and a court's verdict
(guilty or acquitted). Two reports of one vote or one trial that disagree here contradict each other
as surely as two tolls do, and no figure rule sees it.

Each outcome is a ``Label``: a slot, a value from a closed set, and the span that states it. A negated
phrase ("was not unanimous", "no fue unánime", "nicht einstimmig") states the opposite value. Phrases
in English, Spanish, Portuguese, French, German, Italian and Chinese.
"""

from __future__ import annotations

import re

from ..model import Label, Span

_F = re.IGNORECASE
_NEGATION = re.compile(r"(?:\bnot|n't|\bno\s+(?:fue|era|é|est)|\bnicht|\bpas|\bnon\s+(?:è|fu)|未|并非|不是)\s*(?:\w+\s+){0,2}$", _F)

# (slot, value, pattern, value when negated)
RULES: list[tuple[str, str, re.Pattern, str | None]] = [
    ("vote", "unanimous", re.compile(
        r"\bunanimous(?:ly)?\b|\bunánime(?:mente)?\b|\bunânime(?:mente)?\b|\bà l'unanimité\b|\bunanime(?:ment)?\b|"
        r"\beinstimmig\b|\ball'unanimità\b|一致通过|全票通过|一致同意|一致决定", _F), "split"),
    ("vote", "split", re.compile(
        r"\b(?:decision|vote|ruling|board|committee|panel|court)\s+(?:was|were)\s+(?:split|divided)\b|"
        r"\bsplit\s+(?:decision|vote|ruling)\b|\b(?:\d+|one|two|three|four)\s+(?:board\s+)?members?\s+(?:voted|voting)\s+(?:against|to\s+hold)\b|"
        r"\bdissented\b|\bdissenting\s+(?:votes?|opinion|members?)\b|"
        r"\b(?:decisión|votación)\s+(?:fue|estuvo)\s+dividida\b|\bvotó\s+en\s+contra\b|"
        r"\bmit\s+\d+\s+zu\s+\d+\s+Stimmen\b|\bGegenstimmen?\b|\bvote\s+(?:a\s+été\s+)?divisé\b|\bvoté\s+contre\b|"
        r"反对票|投了反对|意见分歧", _F), None),
    ("verdict", "guilty", re.compile(
        r"\b(?:found|pleaded|pled|declared)\s+(?:(?!not\b)\w+\s+){0,2}guilty\b|\bconvicted\b|\bculpable\b|\bschuldig\s+gesprochen\b|"
        r"\bcoupable\b|\bcolpevole\b|被判有罪|罪名成立", _F), "not guilty"),
    ("verdict", "not guilty", re.compile(
        r"\bacquitted\b|\bnot\s+guilty\b|\babsuelt[oa]s?\b|\bfreigesprochen\b|\bacquitté(?:e|s)?\b|\bassolt[oi]\b|"
        r"\babsolvid[oa]s?\b|无罪释放|被判无罪", _F), None),
]


_TALLY = re.compile(r"\bby\s+(?:a\s+)?(?:vote\s+of\s+)?(\d+)\s*(?:-|–|to)\s*(\d+)(?:\s+vote)?\b", _F)  # "by a 5-4 vote"
_PLEA = re.compile(r"\b(?:plead(?:s|ed)?|pled|plea\s+of)\s+$", _F)  # "pleaded not guilty" is a plea, not a verdict


# Words each rule needs, looked for in the lowercased text before its regex runs: most articles hold none,
# and a substring test costs far less than the rules' case-insensitive alternations (4% of all extraction
# time without it).
_NEEDS = {
    "unanimous": ("unanim", "unánim", "unânim", "einstimmig", "一致", "全票"),
    "split": ("split", "divided", "against", "to hold", "dissent", "dividida", "en contra", "stimmen", "divisé", "contre",
              "反对", "分歧"),
    "guilty": ("guilty", "convicted", "culpable", "schuldig", "coupable", "colpevole", "有罪", "罪名成立"),
    "not guilty": ("acquitt", "guilty", "absuelt", "freigesprochen", "acquitté", "assolt", "absolvid", "无罪"),
}


def find_labels(text: str, article_id: str, offset: int = 0) -> list[Label]:
    out: list[Label] = []
    lowered = text.lower()
    taken: list[tuple[int, int]] = []
    for m in _TALLY.finditer(text):
        value = "unanimous" if min(int(m.group(1)), int(m.group(2))) == 0 else "split"
        taken.append((m.start(), m.end()))
        out.append(Label(Span(article_id, offset + m.start(), offset + m.end()), m.group(0), "vote", value))
    for slot, value, pattern, negated in RULES:
        if not any(word in lowered for word in _NEEDS[value]):
            continue
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            if value == "not guilty" and _PLEA.search(text[max(0, m.start() - 20) : m.start()]):
                continue
            said = value
            if negated and _NEGATION.search(text[max(0, m.start() - 30) : m.start()]):
                said = negated
            taken.append((m.start(), m.end()))
            out.append(Label(Span(article_id, offset + m.start(), offset + m.end()), m.group(0), slot, said))
    out.sort(key=lambda x: x.span.start)
    return out
