"""Align the sentences of a story's articles: which sentences of different articles report the same thing.

Sentences are embedded with the multilingual encoder (so a Chinese sentence meets its English
counterpart); two sentences of different articles are linked when their cosine, raised a little by a
shared name, figure or date value, clears a threshold and each is the other's best match in its article
(or the score is clearly high). Linked sentences form groups (union-find), one sentence per article.
Then a sentence, or one clause of a long lead, may also join a second group that its article is missing
from (see ``_share``): one sentence can report several claims. A group's label is how many of the
story's reports it covers: all (consensus), several (partial) or one (unique); a copy of an article
is not a report of its own. ``omitted_figures`` lists figures a source leaves out of a claim it reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..text import CJK_CHAR
from ..cluster.features import STOPWORDS
from ..extract.quantities import MEASURE, plain_number
from ..model import Article, ClaimGroup, ClaimUnit, Extraction, Span
from ..ingest.normalize import find_dateline

MAX_SENTENCES = 80  # per article: the rest of a long page is rarely about the story
MIN_CHARS = 25  # shorter "sentences" are captions, bylines, datelines ...
MIN_SHORT_CHARS, MIN_SHORT_WORDS = 12, 3  # ... unless they end like a sentence: "No one was hurt."
MIN_CJK = 8  # a Chinese sentence packs more per character: "事故未造成人员受伤。" is a fact
LINK = 0.58  # a pair at or above this joins if it is the best match of either sentence in the other article
STRONG = 0.70  # any pair at or above this joins
NAME_BONUS = 0.08  # sharing a name that few sentences of the story carry (Stoltenberg, not NATO)
VALUE_BONUS = 0.05  # sharing a figure, sharing a date value
WORD_BONUS, MAX_WORD_BONUS = 0.04, 0.12  # per shared specific word ("cyber", "disinformation")
SPECIFIC = 0.2  # a name or word is specific if at most this share of the story's sentences carry it
SHARE_MEAN = 0.45  # a sentence or clause joins a second group only this close to it on average: see _share()
SHARE_ALONE = 0.5  # a group of one sentence takes a candidate this close if another article backs it
_CJK = re.compile(CJK_CHAR)
# where a sentence divides into clauses: punctuation, and words that join clauses (each side keeps
# its own words: "derailed near Zaragoza, forcing the closure of the line")
_CLAUSE_BREAK = re.compile(r"\s*[;；，、]\s*|,?\s+(?:and|but|while|after|when|y|e|pero|tras|und|aber|et|mais)\s+|,\s+", re.I)
MIN_CLAUSE_WORDS, MIN_CLAUSE_CJK = 4, 6
_QUOTED = re.compile(r'"[^"]*"|“[^”]*”|„[^“”]*[“”]|«[^»]*»|「[^」]*」|『[^』]*』')
MIN_PACKED_WORDS, MIN_PACKED_CJK = 15, 30
CLAUSE_SENTENCES = 3  # clauses of an article's first sentences only: leads pack several facts, and a clause costs an encoding
_AFTER_DATELINE = re.compile(r"[\s\-–—:]*")
_ENDS_SENTENCE = re.compile(r"[.!?。！？][\"'”’»)]*$")


@dataclass
class Unit:
    article: int  # index into the story's articles
    start: int
    end: int
    text: str
    names: frozenset[str]
    figures: frozenset[str]
    dates: frozenset[str]
    words: frozenset[str]
    clause_of: int | None = None  # a clause: the index of its sentence's unit


def root(parent: list[int], x: int) -> int:
    """The representative of ``x`` in a union-find forest (path halving)."""
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def is_claim(text: str) -> bool:
    """Whether a sentence can carry a claim, rather than being a caption, byline or dateline."""
    text = text.strip()
    cjk = len(_CJK.findall(text))
    if cjk:
        return cjk >= MIN_CJK
    words = len(text.split())
    if len(text) >= MIN_CHARS and words >= 4:
        return True
    return len(text) >= MIN_SHORT_CHARS and words >= MIN_SHORT_WORDS and bool(_ENDS_SENTENCE.search(text))


def _unit(art: Article, ex: Extraction | None, index: int, s: int, e: int, clause_of: int | None = None) -> Unit:
    text = art.text[s:e]
    names = frozenset(x.canonical.lower() for x in (ex.entities if ex else []) if s <= x.span.start < e)
    figures = frozenset(f"{q.kind}:{q.value:g}" for q in (ex.quantities if ex else [])
                        if q.span.field == "text" and s <= q.span.start < e)
    dates = frozenset(t.value for t in (ex.times if ex else []) if s <= t.span.start < e and t.value and "garbled" not in t.flags)
    words = frozenset(w for w in re.findall(r"[^\W\d_]{4,}", text.lower()) if w not in STOPWORDS)
    return Unit(index, s, e, text, names, figures, dates, words, clause_of)


def units_of(art: Article, ex: Extraction | None, index: int) -> list[Unit]:
    out = []
    spans = art.sentences or [(0, len(art.text))]
    dateline = find_dateline(art.text)
    # a wire dateline ("CEBU, March 3 (Harbor Wire) -", "东方时报3月3日电") says nothing the lead claims
    skip = _AFTER_DATELINE.match(art.text, dateline.end).end() if dateline else 0
    for s, e in spans[:MAX_SENTENCES]:
        s = max(s, skip) if s < skip < e else s
        if is_claim(art.text[s:e]):
            out.append(_unit(art, ex, index, s, e))
    return out


def clause_spans(text: str, start: int) -> list[tuple[int, int]]:
    """The clauses of a sentence at ``start`` (absolute offsets), or [] when it is one clause. Pieces
    between commas, semicolons and joining words are merged until each is long enough to say something."""
    pieces, last = [], 0
    quoted = [m.span() for m in _QUOTED.finditer(text)]  # a quotation is the speaker's one statement: not cut
    for m in _CLAUSE_BREAK.finditer(text):
        if any(a < m.start() < b for a, b in quoted):
            continue
        pieces.append((last, m.start()))
        last = m.end()
    pieces.append((last, len(text)))
    out: list[tuple[int, int]] = []
    for s, e in pieces:
        if out and not _says_something(text[out[-1][0]:out[-1][1]]):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    if len(out) > 1 and not _says_something(text[out[-1][0]:out[-1][1]]):
        out[-2:] = [(out[-2][0], out[-1][1])]
    if len(out) < 2:
        return []
    return [(start + s + len(text[s:e]) - len(text[s:e].lstrip()), start + e) for s, e in out]


def _packs_facts(sentence: str) -> bool:
    """Long enough to hold several claims: only such sentences are divided into clauses."""
    cjk = len(_CJK.findall(sentence))
    return cjk >= MIN_PACKED_CJK if cjk else len(sentence.split()) >= MIN_PACKED_WORDS


def _says_something(piece: str) -> bool:
    cjk = len(_CJK.findall(piece))
    return cjk >= MIN_CLAUSE_CJK if cjk else len(piece.split()) >= MIN_CLAUSE_WORDS


def align(articles: list[Article], extractions: list[Extraction | None], encode,
          report_of: dict[str, str] | None = None) -> list[ClaimGroup]:
    """``encode``: texts -> unit-length rows (the embedder's ``encode``). ``report_of``: article id -> the
    report it republishes (itself if original); labels count reports, not copies."""
    report_of = report_of or {}
    units: list[Unit] = []
    for i, (art, ex) in enumerate(zip(articles, extractions)):
        units.extend(units_of(art, ex, i))
    if not units:
        return []
    n_sent = len(units)
    seen: dict[int, int] = {}
    for k in range(n_sent):  # clauses come after all sentences, so rows [0, n_sent) are sentences
        u = units[k]
        seen[u.article] = seen.get(u.article, 0) + 1
        if seen[u.article] > CLAUSE_SENTENCES or not _packs_facts(u.text):
            continue
        art, ex = articles[u.article], extractions[u.article]
        units.extend(_unit(art, ex, u.article, s, e, clause_of=k) for s, e in clause_spans(u.text, u.start))
    vecs = encode([u.text[:300] for u in units])
    score = _scores(units, vecs)
    art_of = np.array([u.article for u in units])
    parent = list(range(n_sent))

    def find(x: int) -> int:
        return root(parent, x)

    n_art = len(articles)
    links: list[tuple[float, int, int]] = []
    for i in range(n_art):
        rows_i = np.where(art_of[:n_sent] == i)[0]
        for j in range(i + 1, n_art):
            rows_j = np.where(art_of[:n_sent] == j)[0]
            if not len(rows_i) or not len(rows_j):
                continue
            block = score[np.ix_(rows_i, rows_j)]
            best_j, best_i = block.argmax(axis=1), block.argmax(axis=0)
            pairs = {(ai, int(best_j[ai])) for ai in range(len(rows_i))} | {(int(best_i[bj]), bj) for bj in range(len(rows_j))}
            pairs |= {(int(x), int(y)) for x, y in zip(*np.where(block >= STRONG))}
            links += [(float(block[ai, bj]), int(rows_i[ai]), int(rows_j[bj])) for ai, bj in pairs if block[ai, bj] >= LINK]
    # Strongest links first; two groups merge only if no article is in both, so a group is one
    # sentence per article and chains of loosely similar sentences cannot grow.
    arts_of = {k: {int(art_of[k])} for k in range(n_sent)}
    for _, a, b in sorted(links, reverse=True):
        ra, rb = find(a), find(b)
        if ra != rb and not (arts_of[ra] & arts_of[rb]):
            parent[rb] = ra
            arts_of[ra] |= arts_of.pop(rb)
    members: dict[int, list[int]] = {}
    for k in range(n_sent):
        members.setdefault(find(k), []).append(k)
    _share(members, score, art_of, units)
    report = [report_of.get(a.id, a.id) for a in articles]
    n_reports = len(set(report))
    groups = []
    for ks in members.values():
        arts = sorted({units[k].article for k in ks})
        label = _label(len({report[a] for a in arts}), n_reports)
        groups.append((min(units[k].article * 10_000 + units[k].start for k in ks), label, ks, arts))
    groups.sort()
    out = []
    for gid, (_, label, ks, arts) in enumerate(groups, start=1):
        ks.sort(key=lambda k: (units[k].article, units[k].start))
        out.append(ClaimGroup(gid, label,
                              [ClaimUnit(Span(articles[units[k].article].id, units[k].start, units[k].end), units[k].text,
                                         articles[units[k].article].source or articles[units[k].article].id) for k in ks],
                              [articles[a].id for a in arts]))
    return out


def _scores(units: list[Unit], vecs: np.ndarray) -> np.ndarray:
    """Pairwise scores: cosine raised by shared specific names and words, figures and dates."""
    df: dict[str, int] = {}
    sentences = [u for u in units if u.clause_of is None]
    for u in sentences:
        for key in u.names | {"w:" + w for w in u.words}:
            df[key] = df.get(key, 0) + 1
    specific = {n for n, k in df.items() if k <= max(2, SPECIFIC * len(sentences))}

    # Shared evidence as matrix products over indicator matrices: every pair at once.
    def shared(keys_of) -> np.ndarray:
        vocab: dict[str, int] = {}
        rows, cols = [], []
        for r, u in enumerate(units):
            for key in keys_of(u):
                rows.append(r)
                cols.append(vocab.setdefault(key, len(vocab)))
        m = np.zeros((len(units), max(1, len(vocab))), dtype=np.float32)
        m[rows, cols] = 1.0
        return m @ m.T

    score = (vecs @ vecs.T).astype(np.float32)
    score += NAME_BONUS * (shared(lambda u: u.names & specific) > 0)
    score += np.minimum(MAX_WORD_BONUS, WORD_BONUS * shared(lambda u: {w for w in u.words if "w:" + w in specific}))
    score += VALUE_BONUS * ((shared(lambda u: u.figures) > 0).astype(np.float32) + (shared(lambda u: u.dates) > 0))
    return score


def _share(members: dict[int, list[int]], score: np.ndarray, art_of: np.ndarray, units: list[Unit]) -> None:
    """Let one sentence report several claims. A lead that packs "derailed near Zaragoza, forcing the
    closure of the line" meets two sentences of another article but joins one group above. Here a group
    that lacks an article takes that article's best sentence or clause when the two are each other's
    best match (a member of the group and the candidate) at LINK, and the candidate is close to the
    whole group on average (SHARE_MEAN). A group of one sentence needs more: two articles whose
    candidates also match each other, or one at STRONG, since one loose match is how a source's own
    content gets hidden as agreement. Groups are never merged here, so no chain can grow."""
    n_art = int(art_of.max()) + 1
    rows_of = [np.where(art_of == a)[0] for a in range(n_art)]
    sentence = np.array([k if u.clause_of is None else u.clause_of for k, u in enumerate(units)])
    singleton = {ks[0]: r for r, ks in members.items() if len(ks) == 1}

    def candidate(block: np.ndarray, ks: list[int], a: int, floor: float) -> tuple[float, int] | None:
        """``block``: every unit's scores against the group's members."""
        rows = rows_of[a]
        mine = block[rows]  # the article's sentences and clauses x the group's members
        x = int(mine.max(axis=1).argmax())
        top, m = float(mine[x].max()), int(mine[x].argmax())
        if top < floor or int(mine[:, m].argmax()) != x or float(mine[x].mean()) < SHARE_MEAN:
            return None
        theirs = rows_of[int(art_of[ks[m]])]  # and the member is x's best match in its article, unless the
        # match is strong: a sentence that packs two facts has its best match in only one of them
        if top < STRONG and sentence[theirs[int(score[rows[x], theirs].argmax())]] != sentence[ks[m]]:
            return None
        return top, int(rows[x])

    for r in sorted(members, key=lambda r: -len(members[r])):
        ks = members.get(r)
        if ks is None:  # a singleton that moved into another group
            continue
        while True:
            have = {int(art_of[k]) for k in ks}
            alone = len(ks) == 1
            floor = SHARE_ALONE if alone else LINK
            block = score[:, ks]
            near = art_of[block.max(axis=1) >= floor]  # articles with anything close enough: most have none
            found = [c for a in set(near.tolist()) - have for c in [candidate(block, ks, a, floor)] if c]
            if not found:
                break
            top, x = max(found)
            if alone:
                backed = [y for t, y in found if y != x and score[x, y] >= LINK]
                if top < LINK or not backed and top < STRONG:
                    break
                new = [x, *backed]
            else:
                new = [x]
            for y in new:
                ks.append(y)
                if y in singleton and singleton[y] != r:  # a sentence alone so far simply moves
                    members.pop(singleton.pop(y), None)


def _label(reports: int, of: int) -> str:
    return "consensus" if reports == of and of > 1 else ("partial" if reports > 1 else "unique")


def omissions(groups: list[ClaimGroup], article_ids: list[str], report_of: dict[str, str] | None = None) -> dict[str, list[int]]:
    """Per article, the groups that most of the other reports carry and it does not (copies count as
    their original)."""
    report_of = report_of or {}
    n = len({report_of.get(a, a) for a in article_ids})
    out: dict[str, list[int]] = {a: [] for a in article_ids}

    def reports(g: ClaimGroup) -> int:
        return len({report_of.get(a, a) for a in g.articles})

    if n < 3:
        # with two reports "most others" is the other one: everything it alone reports
        for g in groups:
            if reports(g) == 1:
                for a in article_ids:
                    if a not in g.articles:
                        out[a].append(g.id)
        return out
    for g in groups:
        if reports(g) >= max(2, (n - 1) // 2 + 1):
            for a in article_ids:
                if a not in g.articles:
                    out[a].append(g.id)
    return out


def _figures_in(text: str, start: int, times: list[tuple[int, int]]) -> dict[float, tuple[int, int, str]]:
    """The numbers a sentence states outside ``times`` (dates, clock times): value -> (start, end, text)."""
    out = {}
    for m in MEASURE.finditer(text):
        a, b = start + m.start(), start + m.end()
        if any(s < b and a < e for s, e in times):
            continue
        value = plain_number(m.group(1), m.group(2))
        if value is not None:
            out.setdefault(value, (a, b, m.group(0)))
    return out


def omitted_figures(groups: list[ClaimGroup], extractions: list[Extraction | None],
                    report_of: dict[str, str] | None = None) -> list[dict]:
    """Figures a source leaves out of a claim it does report: in a group carried by three or more
    reports, a number that two or more of the others state (and at least half of them) while this
    source's sentence states no number at all ("dozens of ships" where two others say 40). A source
    with a different number is a contradiction, not an omission, so it is not listed here."""
    report_of = report_of or {}
    # dates and clock times are not figures; durations ("24 hours") are
    times = {x.article_id: [(t.span.start, t.span.end) for t in x.times if t.span.field == "text" and t.type != "DURATION"]
             for x in extractions if x is not None}
    out = []
    for g in groups:
        if len({report_of.get(a, a) for a in g.articles}) < 3:
            continue
        stated: dict[str, dict[float, tuple[int, int, str]]] = {}
        for u in g.units:
            found = _figures_in(u.text, u.span.start, times.get(u.span.article_id, []))
            stated.setdefault(u.span.article_id, {}).update(found)
        for aid in g.articles:
            if stated.get(aid):
                continue
            others: dict[str, set[float]] = {}  # report -> the values it states
            for b, values in stated.items():
                if report_of.get(b, b) != report_of.get(aid, aid):
                    others.setdefault(report_of.get(b, b), set()).update(values)
            n_others = len({report_of.get(b, b) for b in g.articles} - {report_of.get(aid, aid)})
            counts: dict[float, int] = {}
            for values in others.values():
                for v in values:
                    counts[v] = counts.get(v, 0) + 1
            for v, k in sorted(counts.items()):
                if k >= 2 and 2 * k >= n_others:
                    by = [{"article_id": b, "span": Span(b, *values[v][:2]), "text": values[v][2]}
                          for b, values in stated.items() if v in values]
                    out.append({"article_id": aid, "group": g.id, "value": v, "stated_by": by})
    return out
