"""What the clusterer knows about an article and a story, and the similarity features between them.

Text is hashed into a fixed space (2^20 buckets, crc32: stable across processes), so the online
document frequencies that IDF needs can be saved and resumed between incremental runs.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from ..text import HAN_CHAR
from ..model import Article

BUCKETS = 1 << 20
TEXT_CHARS = 3000  # the lead carries the story; the tail is often site chrome
RARE_PAIR = 8  # a full name in at most this many articles so far still finds candidates
NOUN_CAPITALS = frozenset({"de", "lb"})  # languages whose every noun is capitalised

_WORD = re.compile(r"[^\W\d_]{2,}|\d+(?:[.,]\d+)*", re.UNICODE)
_CJK_RUN = re.compile(f"{HAN_CHAR}+")
_HAN_START = re.compile(HAN_CHAR).match
_NAME = re.compile(r"\b[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’\-]+(?:[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+)?\b")
# Boundaries against Latin letters and digits only: "15人" and "5公里" are numbers too.
_NUMBER = re.compile(r"(?<![0-9A-Za-z.,])\d+(?:[.,]\d+)*(?![0-9A-Za-z])")
_THOUSANDS = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")
STOPWORDS = frozenset("""
a about after again against all also an and any are as at be because been before being between both but by
can could did do does doing down during each few for from further had has have having he her here hers him his
how i if in into is it its itself just more most no nor not now of off on once only or other our out over own
said same says she should so some such than that the their them then there these they this those through to too
under until up very was we were what when where which while who whom why will with would you your yet one two
new last first year years day days time told according reported report reports news police
der die das und ist ein eine einen dem den des im in zu mit von auf für nicht sich am als auch es an nach bei
el la los las de del y en un una que por con para al se es su lo como más fue según este esta
le les des et en un une du au aux pour sur par dans est qui que ne pas plus
""".split())
# Capitalised words that start sentences or fill headlines without naming anything.
NOT_NAMES = frozenset("""
the a an he she it they we i in on at after before when while but and or if as this that these those his her
their its there here what who where why how police authorities officials monday tuesday wednesday thursday
friday saturday sunday january february march april may june july august september october november december
mr mrs ms dr according officers officer investigators sheriff deputies update updated copyright click read
el la los las un una der die das ein eine le les une des il lo
""".split())


class _BucketCache(dict):
    """token -> bucket; a hit is a C-level dict lookup, a miss hashes once."""

    def __missing__(self, token: str) -> int:
        if len(self) > 500_000:  # bounded: vocabularies of news streams never stop growing
            self.clear()
        b = self[token] = zlib.crc32(token.encode("utf-8")) & (BUCKETS - 1)
        return b


_BUCKETS = _BucketCache()
bucket = _BUCKETS.__getitem__


def tokens(text: str) -> list[str]:
    """Lower-cased words without stopwords; Chinese runs as character bigrams (no segmenter needed)."""
    # CJK runs also match _WORD; they are split into bigrams below instead (first-character test: cheap).
    out = [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS and not _HAN_START(w)]
    for run in _CJK_RUN.findall(text):
        out.extend(run[i : i + 2] for i in range(max(1, len(run) - 1)))
    return out


# Words that make a capitalised pair an outlet's masthead or page furniture, not a name in the story:
# "Houston Chronicle", "Caption Close", "Facebook Twitter" recur across one site's unrelated pages.
NOT_IN_NAMES = frozenset("""
chronicle journal herald times post news tribune gazette insider record daily press telegraph star sun
observer examiner register courier dispatch bulletin review sentinel standard mirror express reporter
facebook twitter linkedin pinterest tumblr whatsapp instagram youtube reddit email e-mail print share
caption close photo photos video videos image images gallery click subscribe newsletter newsletters sign
advertisement anzeige enviar guardar compartir imprimir partager fermer chiudi didascalia
related coverage copyright rights reserved terms privacy policy cookie cookies
""".split())


def name_tokens(text: str, title: str = "", full_names: bool = True) -> tuple[list[str], list[str]]:
    """Capitalised words (a cheap proxy for names of people and places) as lower-cased tokens, and the
    full names: adjacent capitalised words once each, in order ("Jose Junior Martinez" -> "jose junior",
    "junior martinez"). One pass over the text for both (a second regex for the runs costs twice this).

    Scripts without capitals (Chinese) have no such cue: there the headline's character bigrams stand
    in for names, since a Chinese headline is mostly the names of who, where and what.
    """
    found: list[str] = []
    pairs: dict[str, None] = {}
    prev, prev_end = None, -2
    for m in _NAME.finditer(text):
        w = m.group().lower()
        if w in NOT_NAMES:
            prev = None
            continue
        found.append(w)
        if full_names and prev is not None and m.start() == prev_end + 1 and text[prev_end] == " " \
                and w not in NOT_IN_NAMES and prev not in NOT_IN_NAMES:
            pairs[f"{prev} {w}"] = None
        prev, prev_end = w, m.end()
    for run in _CJK_RUN.findall(title):
        found.extend(run[i : i + 2] for i in range(max(1, len(run) - 1)))
    return found, list(pairs)


def canonical_number(n: str) -> str:
    """30,000 / 30.000 -> 30000; 6,3 -> 6.3 (decimal comma)."""
    if _THOUSANDS.match(n):
        return n.replace(",", "").replace(".", "")
    return n.replace(",", ".")


def numbers(text: str) -> set[str]:
    return {canonical_number(n) for n in _NUMBER.findall(text)}


class DocFreq:
    """Online document frequencies over hashed tokens."""

    def __init__(self, counts: np.ndarray | None = None, n_docs: int = 0):
        self.counts = counts if counts is not None else np.zeros(BUCKETS, dtype=np.int32)
        self.n_docs = n_docs

    def add(self, buckets: set[int]) -> None:
        if buckets:
            self.counts[np.fromiter(buckets, dtype=np.int64)] += 1
        self.n_docs += 1


Sparse = dict[int, float]


def weigh_all(groups: tuple[Counter, ...], extra: list[int], df: DocFreq) -> tuple:
    """Each group of bucket counts as unit-length TF-IDF weights, and the document frequencies of the
    ``extra`` buckets: one trip into numpy for all of an article's vectors (small arrays cost their calls)."""
    sizes = [len(g) for g in groups]
    keys = [k for g in groups for k in g]
    n = len(keys)
    if not n and not extra:
        return (*({} for _ in groups), [])
    counts = df.counts[np.asarray(keys + extra, dtype=np.int64)]
    tf = np.fromiter((c for g in groups for c in g.values()), dtype=np.float64, count=n)
    w = (1.0 + np.log(tf)) * (np.log((df.n_docs + 1.0) / (counts[:n] + 1.0)) + 1.0)
    out: list = []
    start = 0
    for size in sizes:
        seg = w[start : start + size]
        norm = float(np.sqrt(seg @ seg)) or 1.0
        out.append(dict(zip(keys[start : start + size], (seg / norm).tolist())) if size else {})
        start += size
    return (*out, counts[n:].tolist())


def dot(a: Sparse, b: Sparse) -> float:
    total = 0.0
    for k in a.keys() & b.keys():  # the shared keys, found in C: a third faster than a lookup per key
        total += a[k] * b[k]
    return total


@dataclass
class ArticleRep:
    id: str
    day: int | None  # date ordinal
    lang: str | None
    text_vec: Sparse
    title_vec: Sparse
    name_vec: Sparse
    nums: set[str]
    pairs: dict[int, int]  # full-name bucket -> how many articles seen so far carry it (this one included)
    emb: np.ndarray | None
    top_terms: list[int]  # the article's most specific buckets, for candidate retrieval
    name_terms: list[int] = field(default_factory=list)  # its rare full names: they reach further back


def article_day(article: Article) -> int | None:
    if not article.published or article.date_precision not in ("day", "datetime"):
        return None
    try:
        return date.fromisoformat(article.published[:10]).toordinal()
    except ValueError:
        return None


def headline(article: Article) -> str:
    """The text the sentence encoder sees: the title, else the first sentence, kept short for speed."""
    if article.title:
        return article.title[:200]
    if article.sentences:
        s, e = article.sentences[0]
        return article.text[s:e][:200]
    return article.text[:200]


def represent(article: Article, df: DocFreq, emb: np.ndarray | None, learn: bool = True, top_k: int = 12,
              body: bool = True) -> ArticleRep:
    """``body=False`` for pages whose text is shared boilerplate: only the headline describes them."""
    text = article.text[:TEXT_CHARS] if body or not article.title else ""
    title = article.title or ""
    both = f"{title}\n{text}"
    toks = tokens(both)
    # Full names are adjacent capitals; German capitalises every noun ("Ihre Zustimmung"), so not there.
    name_toks, full = name_tokens(both, title or (text[:60] if _CJK_RUN.search(text[:60]) else ""),
                                  full_names=article.lang not in NOUN_CAPITALS)
    pair_buckets = list(dict.fromkeys(bucket("pair:" + p) for p in full))  # (two names may share a bucket)
    word_counts = Counter(map(bucket, toks))
    name_counts = Counter(bucket("name:" + n) for n in name_toks)
    if learn:
        df.add(word_counts.keys() | name_counts.keys() | set(pair_buckets))
    title_counts = Counter(map(bucket, tokens(title))) if title else Counter()
    text_vec, name_vec, title_vec, pair_df = weigh_all((word_counts, name_counts, title_counts), pair_buckets, df)
    pairs = dict(zip(pair_buckets, pair_df))
    # Names also find candidates: across languages they are often the only shared words.
    top = sorted(text_vec, key=text_vec.__getitem__, reverse=True)[:top_k]
    top += sorted(name_vec, key=name_vec.__getitem__, reverse=True)[: top_k // 2]
    return ArticleRep(
        id=article.id,
        day=article_day(article),
        lang=article.lang,
        text_vec=text_vec,
        title_vec=title_vec,
        name_vec=name_vec,
        nums=numbers(both),
        pairs=pairs,
        emb=emb,
        top_terms=top,
        name_terms=[b for b in pair_buckets if pairs[b] <= RARE_PAIR][:top_k],  # the lead's first
    )


@dataclass
class StoryRep:
    id: int
    text_sum: Sparse = field(default_factory=dict)
    title_sum: Sparse = field(default_factory=dict)
    name_sum: Sparse = field(default_factory=dict)
    norms: dict[str, float] = field(default_factory=lambda: {"text": 0.0, "title": 0.0, "name": 0.0})
    nums: dict[str, int] = field(default_factory=dict)
    pairs: dict[int, int] = field(default_factory=dict)  # full-name bucket -> members carrying it
    emb_sum: np.ndarray | None = None
    days: set[int] = field(default_factory=set)  # distinct days: a story spans few
    langs: set[str] = field(default_factory=set)
    size: int = 0
    last_day: int | None = None
    mean: np.ndarray | None = None  # unit-length mean embedding, kept current by add()

    def add(self, rep: ArticleRep) -> None:
        for key, vec, total in (("text", rep.text_vec, self.text_sum), ("title", rep.title_vec, self.title_sum),
                                ("name", rep.name_vec, self.name_sum)):
            # |c + v|^2 = |c|^2 + 2 c.v + |v|^2 (1: TF-IDF vectors are unit length), kept incrementally so
            # cosine to the centroid is one dot product.
            self.norms[key] += 2 * dot(total, vec) + (1.0 if vec else 0.0)
            for k, v in vec.items():
                total[k] = total.get(k, 0.0) + v
        for n in rep.nums:
            self.nums[n] = self.nums.get(n, 0) + 1
        for b in rep.pairs:
            self.pairs[b] = self.pairs.get(b, 0) + 1
        if rep.emb is not None:
            self.emb_sum = rep.emb.copy() if self.emb_sum is None else self.emb_sum + rep.emb
            self.mean = self.emb_sum / max(float(np.sqrt(self.emb_sum @ self.emb_sum)), 1e-9)
        if rep.day is not None:
            self.days.add(rep.day)
            self.last_day = max(self.last_day or rep.day, rep.day)
        if rep.lang:
            self.langs.add(rep.lang)
        self.size += 1


FEATURES = ("text", "title", "names", "numbers", "emb", "emb_xling", "log_days", "undated", "log_size", "emb_names", "emb_text", "full_name", "full_names", "full_name_days")
NAMED_FEATURES = ("full_name", "full_names", "full_name_days")  # the named model's own (online.py)


def features(rep: ArticleRep, story: StoryRep) -> list[float]:
    def cos(vec: Sparse, total: Sparse, key: str) -> float:
        norm = story.norms[key]
        return dot(vec, total) / math.sqrt(norm) if norm > 0 and vec else 0.0

    shared = len(rep.nums & story.nums.keys())
    emb = 0.0
    mean = story.mean
    if rep.emb is not None and mean is not None:
        emb = float(rep.emb @ mean)
    xling = bool(rep.lang and story.langs and rep.lang not in story.langs)
    if rep.day is not None and story.days:
        gap = min(abs(rep.day - d) for d in story.days)
        log_days, undated = math.log1p(gap), 0.0
    else:
        log_days, undated = 0.0, 1.0
    text, names = cos(rep.text_vec, story.text_sum, "text"), cos(rep.name_vec, story.name_sum, "name")
    same_lang_emb = 0.0 if xling else emb
    # A full name the story owns: of the earlier articles carrying it, the share in this story (1.0: a
    # name only this story's reports have used). Stories grow, so a count of carriers would not do.
    owned, n_owned = 0.0, 0
    if rep.pairs and story.pairs:
        for b in rep.pairs.keys() & story.pairs.keys():
            share = min(1.0, story.pairs[b] / max(1, rep.pairs[b] - 1))
            owned = max(owned, share)
            n_owned += share >= 0.5
    return [
        text,
        cos(rep.title_vec, story.title_sum, "title"),
        names,
        math.log1p(shared),
        same_lang_emb,
        emb if xling else 0.0,
        log_days,
        undated,
        math.log1p(story.size),
        # the headlines' meaning counts where the names agree too: every GVA story is a shooting, and
        # embeddings see the topic, not the incident
        same_lang_emb * names,
        same_lang_emb * text,
        owned,
        math.log1p(n_owned),
        owned * log_days,  # a follow-up weeks later shares the names, not the words of the day
    ]
