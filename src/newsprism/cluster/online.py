"""Streaming story clustering: each article joins the best-scoring active story, or opens a new one.

Candidates are the active stories (grown within ``reach_days`` of the article) that share one of the
article's most specific terms or rare full names, plus the nearest few by sentence embedding (which is
how an article in another language finds its story). A logistic model over the features in ``features.py`` scores
each candidate; the article joins the best one if its score clears the threshold. Weights and
threshold are learned on dev data (``train/clusterer.py``) and shipped as a versioned configuration.

A second logistic model, the *named* one, scores a dated candidate that shares a full name the story
owns ("Tyshawn Lee", "McKees Rocks"): there the evidence is the name, and a follow-up weeks later (an
arrest, a funeral) can join up to ``named_window_days`` back, where the first model sees only a
different day's other words. Everything else, undated and cross-lingual joins included, is the first
model's, unchanged by the second.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable

import numpy as np

from ..embed import DEFAULT_EMBEDDER
from .features import FEATURES, ArticleRep, StoryRep, features

_FULL_NAME = FEATURES.index("full_name")


@dataclass
class ClusterConfig:
    version: str = "untrained"
    weights: list[float] = field(default_factory=lambda: [4.0, 1.0, 2.0, 0.5, 2.0, 6.0, -0.5, 0.0, 0.0])
    bias: float = -3.0
    threshold: float = 0.5
    window_days: int = 30
    # The named model (see the module docstring); None: no second model, the first scores everything.
    named_weights: list[float] | None = None
    named_bias: float = 0.0
    named_window_days: int = 90
    max_candidates: int = 15
    emb_candidates: int = 3
    embedder: str = DEFAULT_EMBEDDER
    features: list[str] = field(default_factory=lambda: list(FEATURES))
    trained_on: str | None = None
    notes: str | None = None

    @classmethod
    def load(cls, path: str | Path | None = None) -> "ClusterConfig":
        if path is None:
            text = (resources.files("newsprism.cluster") / "config.json").read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        data = json.loads(text)
        cfg = cls(**data)
        if cfg.features != list(FEATURES):
            raise ValueError(f"clustering config {cfg.version} was trained on features {cfg.features}, "
                             f"this code computes {list(FEATURES)}: retrain it (python -m newsprism.train.clusterer)")
        return cfg

    @property
    def reach_days(self) -> int:
        """How far back a story can still take an article: the longer of the two models' windows."""
        return max(self.window_days, self.named_window_days) if self.named_weights else self.window_days

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")


class OnlineClusterer:
    def __init__(self, config: ClusterConfig, first_story_id: int = 1, new_story_id: Callable[[], int] | None = None):
        self.config = config
        self._w = [float(w) for w in config.weights]
        self._named = [float(w) for w in config.named_weights] if config.named_weights else None
        self.stories: dict[int, StoryRep] = {}
        # term -> stories; full names apart, since they reach further back than the words do
        self.postings: dict[int, set[int]] = {}
        self.name_postings: dict[int, set[int]] = {}
        self.seen: dict[int, int] = {}  # story id -> stream day it last grew (for ageing out)
        self.next_id = first_story_id
        # Where new story ids come from: the store's sequence when there is a store (a split running
        # beside a clustering run must never get the id the clusterer is about to use), else a counter.
        self._allocate = new_story_id
        self.clock: int | None = None  # the stream's current day
        self._emb_rows: dict[int, int] = {}
        self._emb = np.zeros((0, 0), dtype=np.float32)
        self._row_sid = np.zeros(0, dtype=np.int64)  # row -> story id, -1 for a free row
        self._free: list[int] = []
        self._rows_used = 0
        self._since_sweep = 0
        self.retired: list[int] = []  # stories the last sweeps dropped, for the caller to forget too

    # --- scoring --------------------------------------------------------------------------------

    def explain(self, rep: ArticleRep, story: StoryRep) -> tuple[float, str]:
        """The join probability, and which model gave it ("named", "first", or "late": a story past the
        first model's window that shares no full name, which nothing may join)."""
        f = features(rep, story)
        dated = rep.day is not None and story.last_day is not None
        if self._named is not None and dated and f[_FULL_NAME] > 0:
            z, model = sum(map(float.__mul__, self._named, f)) + self.config.named_bias, "named"
        elif dated and rep.day - story.last_day > self.config.window_days:
            return 0.0, "late"
        else:
            z, model = sum(map(float.__mul__, self._w, f)) + self.config.bias, "first"
        return 1.0 / (1.0 + math.exp(-z)), model

    def _active(self, sid: int, days: int | None = None) -> bool:
        """Grown within ``days`` (default: the reach): a story that has not grown for longer is never a
        candidate, swept or not."""
        if sid not in self.stories:
            return False
        days = self.config.reach_days if days is None else days
        return self.clock is None or self.seen.get(sid, self.clock) >= self.clock - days

    def candidates(self, rep: ArticleRep) -> list[int]:
        """Stories of the first model's window that share the article's specific terms, those of the
        reach that share one of its rare full names (only the named model can take the article there),
        and the nearest few by embedding."""
        votes: dict[int, int] = {}
        window = self.config.window_days
        for terms, postings, days in ((rep.top_terms, self.postings, window), (rep.name_terms, self.name_postings, None)):
            counted: Counter[int] = Counter()
            for term in terms:
                counted.update(postings.get(term, ()))  # counted in C; each story's window checked once below
            for sid, n in counted.items():
                if self._active(sid, days):
                    votes[sid] = votes.get(sid, 0) + n
        ranked = sorted(votes, key=votes.__getitem__, reverse=True)[: self.config.max_candidates]
        if rep.emb is not None and self._emb_rows:
            sims = self._emb[: self._rows_used] @ rep.emb
            sims[self._row_sid[: self._rows_used] < 0] = -np.inf  # freed rows
            k = min(self.config.emb_candidates, len(self._emb_rows))
            for i in np.argpartition(-sims, k - 1)[:k]:
                sid = int(self._row_sid[i])
                if sid not in votes and self._active(sid, window):
                    ranked.append(sid)
        return ranked

    def best(self, rep: ArticleRep) -> tuple[int | None, float, str]:
        """The best candidate, its score and the model that gave it."""
        best_id, best_score, best_model = None, 0.0, ""
        for sid in self.candidates(rep):
            s, model = self.explain(rep, self.stories[sid])
            if s > best_score:
                best_id, best_score, best_model = sid, s, model
        return best_id, best_score, best_model

    # --- updates --------------------------------------------------------------------------------

    def assign(self, rep: ArticleRep) -> tuple[int, float, str]:
        """Put one article in a story. Returns (story id, score of the join, how: "new", "joined", or
        "joined by name" when the named model made the join)."""
        self._tick(rep)  # once per article: a second tick could sweep away the story just chosen
        sid, score, model = self.best(rep)
        if sid is not None and score >= self.config.threshold:
            self._add(sid, rep)
            return sid, score, "joined by name" if model == "named" else "joined"
        sid = self.new_story()
        self._add(sid, rep)
        return sid, 1.0, "new"

    def new_story(self, story_id: int | None = None) -> int:
        if story_id is None:
            story_id = self._allocate() if self._allocate is not None else self.next_id
        self.next_id = max(self.next_id, story_id + 1)
        self.stories[story_id] = StoryRep(story_id)
        return story_id

    def add(self, sid: int, rep: ArticleRep) -> None:
        """Add an article to a story without a decision (duplicates, manual edits, resumed state)."""
        self._tick(rep)
        self._add(sid, rep)

    def _add(self, sid: int, rep: ArticleRep) -> None:
        if sid not in self.stories:  # new, or swept out of the window and now growing again
            self.new_story(sid)
        story = self.stories[sid]
        story.add(rep)
        for term in rep.top_terms:
            self.postings.setdefault(term, set()).add(sid)
        for term in rep.name_terms:
            self.name_postings.setdefault(term, set()).add(sid)
        self.seen[sid] = self.clock if self.clock is not None else 0
        if story.mean is not None:
            self._set_emb(sid, story.mean)

    def _tick(self, rep: ArticleRep) -> None:
        if rep.day is not None:
            self.clock = rep.day if self.clock is None else max(self.clock, rep.day)
        self._since_sweep += 1
        if self._since_sweep >= 500:
            self.sweep()

    def sweep(self) -> None:
        """Forget what no article can reach any more, so cost per article stays flat: a story that has
        not grown within the window leaves the word postings and the embedding search (only its full
        names still find it), and past the reach it is gone."""
        self._since_sweep = 0
        if self.clock is None:
            return
        gone = {sid for sid, day in self.seen.items() if day < self.clock - self.config.reach_days}
        quiet = {sid for sid, day in self.seen.items() if day < self.clock - self.config.window_days}
        self.retired.extend(gone)
        for sid in gone:
            del self.seen[sid]
            self.stories.pop(sid, None)
        for sid in quiet:
            row = self._emb_rows.pop(sid, None)
            if row is not None:
                self._free.append(row)
                self._row_sid[row] = -1
        for postings, stale in ((self.postings, quiet), (self.name_postings, gone)):
            if not stale:
                continue
            for term in list(postings):
                live = postings[term] - stale
                if live:
                    postings[term] = live
                else:
                    del postings[term]

    def _set_emb(self, sid: int, vec: np.ndarray) -> None:
        row = self._emb_rows.get(sid)
        if row is None:
            if self._free:
                row = self._free.pop()
            else:
                row = self._rows_used
                self._rows_used += 1
                if row >= self._emb.shape[0]:
                    grown = np.zeros((max(64, 2 * self._emb.shape[0]), vec.shape[0]), dtype=np.float32)
                    if self._emb.size:
                        grown[: self._emb.shape[0]] = self._emb
                    self._emb = grown
                    self._row_sid = np.concatenate([self._row_sid, np.full(grown.shape[0] - len(self._row_sid), -1)])
            self._emb_rows[sid] = row
            self._row_sid[row] = sid
        self._emb[row] = vec
