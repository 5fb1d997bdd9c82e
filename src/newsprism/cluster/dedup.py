"""Duplicate detection with provenance links: ``copy-of``, ``update-of``, ``translation-of``.

- exact: the same text (after normalizing case, spacing and punctuation), whatever the title or outlet;
- near: MinHash over word 4-shingles (64 permutations in numpy, 8 bands of 8 rows: pairs above a
  Jaccard of about 0.77 meet in a band) verified at an estimated Jaccard >= ``near_threshold``.
  A near copy from the same outlet or site published later is an ``update-of``; otherwise a ``copy-of``
  (syndication, light rewrites);
- translation: another language, headline embeddings at cosine >= ``translation_threshold`` and the same
  figures: a ``translation-of`` link (it does not decide the story: clustering does).
Duplicates join their original's story.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ..model import Article
from ..ingest.normalize import url_domain

_PRIME = (1 << 61) - 1
_rng = np.random.default_rng(20261122)  # fixed: decisions must not change between runs
_A = _rng.integers(1, _PRIME, size=64, dtype=np.uint64) | np.uint64(1)  # odd multipliers
_B = _rng.integers(0, _PRIME, size=64, dtype=np.uint64)
BANDS, ROWS = 8, 8
_PUNCT = re.compile(r"[^\w\s]+")


@dataclass(frozen=True)
class Link:
    article_id: str
    type: str  # copy-of | update-of | translation-of
    target_id: str
    score: float


class Member(NamedTuple):
    """What translation detection needs of a story member: no text, just its figures."""

    article_id: str
    lang: str | None
    figures: set[str]
    emb: np.ndarray


def words_of(text: str) -> list[str]:
    """Lower-cased words without punctuation: what both the exact key and the shingles are made of."""
    return _PUNCT.sub(" ", text.lower()).split()


def text_key(words: list[str]) -> str:
    return hashlib.sha1(" ".join(words).encode()).hexdigest()


def shingles(words: list[str], n: int = 4) -> np.ndarray:
    """Hashes of the word n-grams: each word hashed once (crc32, not Python's per-process salted hash:
    decisions must not change between runs), n-grams mixed arithmetically in numpy."""
    if not words:
        return np.zeros(0, dtype=np.uint64)
    h = np.fromiter(map(zlib.crc32, map(str.encode, words)), dtype=np.uint64, count=len(words))
    if len(h) < n:
        return np.array([int(h.sum())], dtype=np.uint64)
    mixed = np.zeros(len(h) - n + 1, dtype=np.uint64)
    for i in range(n):  # polynomial combination modulo 2^64: order-sensitive, like the string it replaces
        mixed = mixed * np.uint64(1_000_003) + h[i : len(h) - n + 1 + i]
    return mixed


def signature(words: list[str]) -> np.ndarray | None:
    hashed = shingles(words[:1500])  # the first ~8,000 characters: enough to tell a copy
    if hashed.size == 0:
        return None
    # Multiply-add modulo 2^64 (numpy's uint64 wrap-around), no division: a universal hash family that
    # is ten times cheaper than "mod p"; the top 32 bits are the well-mixed ones.
    values = (hashed[:, None] * _A[None, :] + _B[None, :]) >> np.uint64(32)
    return values.min(axis=0)


class Deduplicator:
    def __init__(self, near_threshold: float = 0.8, translation_threshold: float = 0.85, min_words: int = 25):
        self.near_threshold = near_threshold
        self.translation_threshold = translation_threshold
        self.min_words = min_words
        self.exact: dict[str, str] = {}
        self.bands: dict[tuple[int, bytes], list[str]] = {}
        self.sigs: dict[str, np.ndarray] = {}
        self.meta: dict[str, tuple[str | None, str | None, str | None]] = {}  # id -> (source, domain, published)
        self.keep_exact = 50_000  # about a month of a large news stream
        self._last: tuple[str, str, np.ndarray | None] | None = None  # check() then add() of one article: hash once

    def _keys(self, article: Article) -> tuple[str, np.ndarray | None]:
        if self._last is None or self._last[0] != article.id:
            words = words_of(article.text)
            long_enough = len(words) >= self.min_words
            self._last = (article.id, text_key(words), signature(words) if long_enough else None)
        return self._last[1], self._last[2]

    def check(self, article: Article) -> Link | None:
        """The original this article duplicates, if any (it is not remembered: call ``add`` for that)."""
        key, sig = self._keys(article)
        if key in self.exact and self.exact[key] != article.id:
            target = self.exact[key]
            return Link(article.id, "copy-of", target, 1.0)
        if sig is None:
            return None  # short texts (briefs, headlines) share too much by chance
        best, best_sim = None, 0.0
        for b in range(BANDS):
            for other in self.bands.get((b, sig[b * ROWS : (b + 1) * ROWS].tobytes()), ()):
                if other == article.id:
                    continue
                sim = float((self.sigs[other] == sig).mean())
                if sim > best_sim:
                    best, best_sim = other, sim
        if best is None or best_sim < self.near_threshold:
            return None
        source, domain, published = self.meta[best]
        same_site = (article.source and article.source == source) or (domain and url_domain(article.url) == domain)
        later = (article.published or "") > (published or "")
        return Link(article.id, "update-of" if same_site and later else "copy-of", best, round(best_sim, 3))

    def add(self, article: Article) -> None:
        key, sig = self._keys(article)
        self.exact.setdefault(key, article.id)
        if len(self.exact) > self.keep_exact:
            del self.exact[next(iter(self.exact))]  # the oldest: dicts keep insertion order
        if sig is None:
            return
        self.sigs[article.id] = sig
        self.meta[article.id] = (article.source, url_domain(article.url), article.published)
        for b in range(BANDS):
            self.bands.setdefault((b, sig[b * ROWS : (b + 1) * ROWS].tobytes()), []).append(article.id)

    def forget(self, article_ids) -> None:
        """Drop articles' signatures (their stories aged out), so memory follows the window, not the
        stream. Exact keys are small and kept longer (the last ``keep_exact`` articles): an exact copy
        of old boilerplate is still recognised as such."""
        for aid in article_ids:
            self.meta.pop(aid, None)
            sig = self.sigs.pop(aid, None)
            if sig is None:
                continue
            for b in range(BANDS):
                band = (b, sig[b * ROWS : (b + 1) * ROWS].tobytes())
                ids = self.bands.get(band)
                if ids is not None:
                    if aid in ids:
                        ids.remove(aid)
                    if not ids:
                        del self.bands[band]

    def translation(self, article_id: str, lang: str | None, figures: set[str], emb: np.ndarray,
                    members: list[Member]) -> Link | None:
        """A translation link to the story member in another language that this article renders, if any:
        headline cosine >= ``translation_threshold`` and most of the figures in common."""
        if not figures:
            return None
        best, best_sim = None, 0.0
        for other in members:
            if other.lang == lang or other.article_id == article_id:
                continue
            sim = float(emb @ other.emb)
            shared = len(figures & other.figures) >= 0.6 * min(len(figures), len(other.figures))
            if sim >= self.translation_threshold and shared and sim > best_sim:
                best, best_sim = other.article_id, sim
        return Link(article_id, "translation-of", best, round(best_sim, 3)) if best else None
