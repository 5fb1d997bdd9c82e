"""Speakers: one person's quotes matched across reports and languages (a transliterated name included,
her words given to her ministry or country too), and the same words given to two different people."""

from __future__ import annotations

import re

import numpy as np

from ...model import Alias, Article, Contradiction, QuoteMatch
from ...text import HAN_CHAR
from ..align import root
from ..places import fold_accents
from .common import Story, _value


_PRONOUN = re.compile(r"^(?:he|she|they|him|her|it|他|她|他们|她们|él|ella|er|sie|il|elle|ele|ela|lui|lei)$", re.I)


def speaker_clashes(story: Story) -> list[Contradiction]:
    """The same quoted words given to two different people. Only when both reports name the speaker in
    full at the quote (not "he", not a surname alone), the words are long enough to be one person's, and
    neither report names the other's speaker anywhere: a spokesman quoting his principal, or a name inside
    the quotation, is not a disagreement about who said it."""
    if story.encode is None:
        return []
    encode, texts = story.encode, story.texts
    items = []
    for art, ex in zip(story.articles, story.extractions):
        for q in ex.quotes if ex is not None else []:
            if not (q.direct and q.speaker_kind == "person" and q.speaker and len(q.speaker.split()) >= 2
                    and len(q.content_text.split()) >= 6 and q.speaker_span is not None):
                continue
            mention = art.text[q.speaker_span.start : q.speaker_span.end] if q.speaker_span.field == "text" else ""
            if _PRONOUN.match(mention.strip()) or len(mention.split()) < 2:
                continue
            items.append((art, q))
    if len({a.id for a, _ in items}) < 2:
        return []
    vecs = encode([q.content_text[:400] for _, q in items])
    sims = vecs @ vecs.T
    out, seen = [], set()
    for i, (a, qa) in enumerate(items):
        for j in range(i + 1, len(items)):
            b, qb = items[j]
            if a.id == b.id or sims[i, j] < story.config.same_words:
                continue
            sa, sb = fold_accents(qa.speaker), fold_accents(qb.speaker)
            if sa == sb or sa.split()[-1] in texts.of(b) or sb.split()[-1] in texts.of(a):
                continue
            key = tuple(sorted((sa, sb)))
            if key in seen:
                continue
            seen.add(key)
            values = [_value(a, qa.speaker_span, qa.speaker, qa.content_text), _value(b, qb.speaker_span, qb.speaker, qb.content_text)]
            out.append(Contradiction("speaker", values, f"the same words (cosine {float(sims[i, j]):.2f}) are given to "
                                     f"{qa.speaker} and to {qb.speaker}"))
    return out

def quote_matches(story: Story) -> list[QuoteMatch]:
    """Quotes of one canonical speaker in different articles whose contents say the same thing, grouped:
    a statement carried by four outlets (one in translation, one as indirect speech) is one match of
    four quotes, one per article, not two pairs."""
    encode, config = story.encode, story.config
    by_speaker, shown = _people_quoted(story)
    out = []
    for key, items in by_speaker.items():
        speaker = shown[key]
        if len({a.id for a, _ in items}) < 2:
            continue
        vecs = encode([q.content_text[:400] for _, q in items])
        sims = vecs @ vecs.T
        parent = list(range(len(items)))
        for i in range(len(items)):
            for j in range(i + 1, len(items)):
                if items[i][0].id != items[j][0].id and sims[i, j] >= config.quote_match:
                    parent[root(parent, i)] = root(parent, j)
        groups: dict[int, list[int]] = {}
        for i in range(len(items)):
            groups.setdefault(root(parent, i), []).append(i)
        for members in groups.values():
            # one quote per article: the one closest to the rest of the group
            best: dict[str, int] = {}
            for i in members:
                score = sum(float(sims[i, j]) for j in members if j != i)
                aid = items[i][0].id
                if aid not in best or score > sum(float(sims[best[aid], j]) for j in members if j != best[aid]):
                    best[aid] = i
            kept = sorted(best.values())
            if len(kept) < 2:
                continue
            pair_sims = [float(sims[i, j]) for n, i in enumerate(kept) for j in kept[n + 1 :]]
            out.append(QuoteMatch(speaker, [_quoted(a, q) for a, q in (items[i] for i in kept)],
                                  round(sum(pair_sims) / len(pair_sims), 3)))
    return _voices(out, by_speaker, story)


# Cues of an act, not of words: "the mayor praised the firefighters", "the judge declined to comment" are
# attributions (PolNeAR marks some) but no one's words to set beside another report's
NOT_SPEECH = frozenset("""praised praises praise criticised criticized criticises criticizes criticise criticize
declined declines decline thanked thanks blamed blames called calls met meets visited visits attended attends
signed signs welcomed welcomes condemned condemns honored honoured honors honours hailed hails slammed slams""".split())


def is_speech(q) -> bool:
    """Whether a quote gives someone's words: any quotation, and reported speech whose cue is a verb of saying."""
    return q.direct or not NOT_SPEECH.intersection((q.cue or "").lower().split())


def _people_quoted(story: Story) -> tuple[dict[str, list[tuple[Article, object]]], dict[str, str]]:
    """The story's quotes of people by speaker (folded name -> [(article, quote)]), a name in another script
    joined to its Latin spelling (by sound, or by the words both are given), and each speaker's name as shown.
    Computed once per story: the quote matches and the spellings both read it."""
    if "people_quoted" not in story.memo:
        by_speaker: dict[str, list[tuple[Article, object]]] = {}
        shown: dict[str, str] = {}
        for art, ex in zip(story.articles, story.extractions):
            for q in ex.quotes if ex else []:
                if q.speaker and q.speaker_kind == "person" and is_speech(q):
                    key = fold_accents(q.speaker)  # "Lucía Paredes" in Spanish is "Lucia Paredes" in English
                    by_speaker.setdefault(key, []).append((art, q))
                    shown.setdefault(key, q.speaker)
        _merge_transliterations(by_speaker, shown)
        _merge_by_words(by_speaker, story)
        story.memo["people_quoted"] = (by_speaker, shown)
    return story.memo["people_quoted"]


# Sound classes for matching a name across scripts: pinyin of a Chinese transliteration against the
# Latin spelling (德尔加多 "de er jia duo" / Delgado, 普恩特 / Puente, 帕雷德斯 / Paredes)
_SOUND = [("er", "l"), ("zh", "j"), ("ch", "c"), ("sh", "s"), ("ph", "f")]
_CLASS = {**dict.fromkeys("lr", "L"), **dict.fromkeys("bp", "B"), **dict.fromkeys("dt", "D"),
          **dict.fromkeys("gkcqjh", "G"), **dict.fromkeys("sxzy", "S"), **dict.fromkeys("fvw", "F"),
          "m": "M", "n": "N", **dict.fromkeys("aeiou", "V")}


def sound_key(latin: str) -> str:
    """A name's consonant skeleton with vowels kept as one mark: runs collapsed, a vowel that pinyin adds
    after a final consonant dropped ("si" in 帕雷德斯), an n before a consonant dropped (兰布卡 "lan bu ka"
    / Rabuka)."""
    text = fold_accents(latin)
    for a, b in _SOUND:
        text = text.replace(a, b)
    classes = [_CLASS[c] for c in text if c in _CLASS]
    out: list[str] = []
    for i, c in enumerate(classes):
        if out and out[-1] == c:
            continue
        if c == "N" and i + 1 < len(classes) and classes[i + 1] not in ("V", "N"):
            continue
        out.append(c)
    if len(out) >= 3 and out[-1] == "V" and out[-2] == "S":
        out.pop()
    return "".join(out)


def _edits(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


_CJK_NAME = re.compile(f"{HAN_CHAR}+(?:·{HAN_CHAR}+)*")


def _said_as(art: Article, q) -> str | None:
    """The speaker's name as the report writes it at the quote, where it names them there."""
    if q.speaker_span is None or q.speaker_span.field != "text":
        return None
    return _bare(art.text[q.speaker_span.start : q.speaker_span.end]) or None


def _bare(name: str) -> str:
    """A name without what a careless span takes along: "杰西卡·洛佩兹 (" is 杰西卡·洛佩兹."""
    return name.strip().rstrip("(（[【,，:：").strip()


def _written_han(items) -> str | None:
    """The speaker as a Chinese text writes it (拉蒙·德尔加多; 穆奇马, whose key is the pinyin "mu qima")."""
    for art, q in items:
        mention = _said_as(art, q)
        if mention and _CJK_NAME.fullmatch(mention):
            return mention
    return None


def _merge_transliterations(by_speaker: dict, shown: dict) -> None:
    """A foreign name written in Chinese characters (拉蒙·德尔加多, or a surname alone: 穆奇马) is one speaker with the
    Latin name whose surname sounds the same: the same sound classes, or one apart for six classes or more.
    The quotes must still say the same thing to be matched."""
    from ...extract.entities import pinyin

    chinese_of = {k: _written_han(items) for k, items in by_speaker.items()}
    latin = {k: sound_key(k.split()[-1]) for k, zh in chinese_of.items() if zh is None and k.isascii() and k.split()}
    for key, chinese in chinese_of.items():
        if chinese is None:
            continue
        syllables = [pinyin(ch, False) for ch in chinese.split("·")[-1]]
        if not all(syllables):
            continue
        mine = sound_key("".join(syllables))
        allowed = 1 if len(mine) >= 6 else 0  # short skeletons must agree exactly (普恩特 / Puente: BVDV)
        close = [k for k, theirs in latin.items() if len(mine) >= 4 and _edits(mine, theirs) <= allowed]
        if len(close) == 1:  # one Latin name only: two would be a guess
            by_speaker[close[0]].extend(by_speaker.pop(key))


def _merge_by_words(by_speaker: dict, story: Story) -> None:
    """A name in Chinese characters that sounds like no Latin name (a Japanese name in kanji, read as
    Chinese: 林芳正 "Lin Fangzheng" is Hayashi Yoshimasa; a transliteration the sound classes miss) is the
    speaker to whom a report in Latin script gives the same words: one of its quotes and one of theirs
    render each other closely (``alias_match``), no other Latin-named speaker comes near, and that speaker
    is named in full. The match then teaches the store the spelling (``aliases``)."""
    # (a speaker the sound classes joined to a Latin name is named in Latin script too: not one of these)
    han = [k for k, items in by_speaker.items() if _written_han(items) and not any(_latin(_said_as(a, q)) for a, q in items)]
    latin = [k for k in by_speaker if k not in han and k.isascii() and len(k.split()) >= 2]
    if not han or not latin:
        return
    items = [(k, a, q) for k in han + latin for a, q in by_speaker[k]]
    vecs = story.encode([q.content_text[:400] for _, _, q in items])
    sims = vecs @ vecs.T
    for key in han:
        best: dict[str, float] = {}
        for i, (ki, ai, _) in enumerate(items):
            if ki != key:
                continue
            for j, (kj, aj, _) in enumerate(items):
                if kj in latin and aj.id != ai.id:
                    best[kj] = max(best.get(kj, -1.0), float(sims[i, j]))
        ranked = sorted(best.items(), key=lambda kv: -kv[1])
        if not ranked or ranked[0][1] < story.config.alias_match:
            continue
        if len(ranked) > 1 and ranked[1][1] >= ranked[0][1] - 0.1:
            continue  # two speakers near the same words: a guess
        by_speaker[ranked[0][0]].extend(by_speaker.pop(key))


def spellings(story: Story) -> list[Alias]:
    """The spellings a story teaches: a person quoted by a report in another script (Chinese, Japanese,
    Cyrillic ...) whose name there was joined to the Latin name another report quotes (by sound, or by the
    same words given to both) has that name as written, and its romanisation where that is not the person's
    name (兰布卡, Lan Buka -> Sitiveni Rabuka). The evidence: that quote and the Latin report's quote closest
    to it in meaning. A surname alone, a pronoun, one character (林 of 林芳正) or a spelling that differs by
    accents only is no new spelling."""
    by_speaker, shown = _people_quoted(story)
    out: dict[tuple[str, str], Alias] = {}
    for key, items in by_speaker.items():
        name = shown[key]
        latin = [(a, q) for a, q in items if _latin(_said_as(a, q)) and _one_name(q.speaker or "", name)]
        other = [(a, q) for a, q in items if (w := _said_as(a, q)) and len(w) >= 2 and not _latin(w) and not _PRONOUN.match(w)]
        if not latin or not other:
            continue
        vecs = story.encode([q.content_text[:400] for _, q in latin + other]) if story.encode else None
        for k, (a, q) in enumerate(other):
            best = int((vecs[: len(latin)] @ vecs[len(latin) + k]).argmax()) if vecs is not None else 0
            evidence = [_evidence(_quoted(a, q)), _evidence(_quoted(*latin[best]))]
            for spelling in dict.fromkeys((_said_as(a, q), _bare(q.speaker or ""))):
                if spelling and not _one_name(spelling, name):
                    out.setdefault((spelling, name), Alias(spelling, name, None, evidence))
    return list(out.values())


def _latin(text: str | None) -> bool:
    """Written in Latin letters (accents and curly apostrophes allowed)."""
    return bool(text) and all(c.isascii() for c in fold_accents(text) if c.isalpha())


def _one_name(a: str, b: str) -> bool:
    """The same name, or part of it ("Rabuka" of "Sitiveni Rabuka"), accents aside."""
    wa, wb = fold_accents(a).split(), fold_accents(b).split()
    return bool(wa) and (wa == wb or set(wa) <= set(wb) or set(wb) <= set(wa))


def _evidence(x: dict) -> dict:
    return {k: x[k] for k in ("article_id", "span", "text", "said_as", "speaker_span") if k in x}


def _quoted(a: Article, q, said_by: str | None = None) -> dict:
    d = {"article_id": a.id, "source": a.source or a.id, "span": q.content, "text": q.content_text,
         "direct": q.direct, "cue": q.cue, "speaker": q.speaker}
    written = _said_as(a, q)
    if written:
        d["said_as"], d["speaker_span"] = written, q.speaker_span
    if said_by:
        d["said_by"] = said_by  # this report gives the words to someone else: the person's office or country
    return d


# the voice of a state: a country or city ("China said"), or a ministry, government, office or embassy
_STATE = re.compile(r"\b(?:ministry|ministries|government|department|office|embassy|kremlin|white house|cabinet|"
                    r"presidency|ministerio|gobierno|ministerium|regierung|ministère|gouvernement)\b|外交部|政府|部$", re.I)


_SPOKES = r"(?:spokes\w*|发言人|portavoz|sprecher\w*|porte-parole|porta-voz|minister|ministra|ministro|ambassador|envoy)"


def _speaks_for(text: str, person: str) -> bool:
    """Whether a (folded) text names the person as one who speaks for a state: "Chinese Foreign Ministry
    spokesman Mao Ning", "Mao Ning, a spokesperson for the ministry", "外交部发言人毛宁"."""
    if person not in text:
        return False
    name = re.escape(person)
    return bool(re.search(rf"{_SPOKES}[^.。]{{0,40}}?{name}|{name},? (?:a |the )?[^.。,]{{0,30}}?{_SPOKES}", text))


def _voices(matches: list[QuoteMatch], by_speaker: dict, story: Story) -> list[QuoteMatch]:
    """A person's words that another report gives to her ministry or country ("Mao Ning said NATO's
    eastward expansion must arouse high vigilance" / "China said NATO's eastward advance should arouse a
    high degree of vigilance"): joined to her match when the words are nearly the same, the other speaker
    is a state (a country, a ministry, a government office: not "aides" or "the indictment"), and that
    report names her in full as one who speaks for a state (a spokesperson, a minister, an ambassador).
    A senator's or a president's words given to "the Justice Department" are not matched: that is
    usually another statement on the same subject."""
    voices = [(a, q) for a, ex in zip(story.articles, story.extractions) for q in (ex.quotes if ex else [])
              if q.speaker and q.speaker_kind != "person" and (q.speaker_kind == "place" or _STATE.search(q.speaker))]
    if not voices:
        return matches
    texts = {a.id: fold_accents(a.text) for a, _ in voices}
    # only people some report of a state voice names as speaking for a state: then few quotes to embed
    people = [(a, q) for items in by_speaker.values() for a, q in items
              if any(_speaks_for(t, fold_accents(q.speaker)) for t in texts.values())]
    if not people:
        return matches
    vecs = story.encode([q.content_text[:400] for _, q in voices + people])
    sims = vecs[: len(voices)] @ vecs[len(voices) :].T
    for i, (b, qv) in enumerate(voices):
        order = np.argsort(-sims[i])
        best = next((int(j) for j in order if sims[i, j] >= story.config.institution_match and people[j][0].id != b.id
                     and _speaks_for(texts[b.id], fold_accents(people[j][1].speaker))), None)
        if best is None:
            continue
        a, qp = people[best]
        voice = _quoted(b, qv, said_by=qv.speaker)
        match = next((m for m in matches if any(x["article_id"] == a.id and x["span"] == qp.content for x in m.quotes)), None)
        if match is None:
            matches.append(QuoteMatch(qp.speaker, [_quoted(a, qp), voice], round(float(sims[i, best]), 3)))
        elif all(x["article_id"] != b.id for x in match.quotes):
            match.quotes.append(voice)
    return matches
