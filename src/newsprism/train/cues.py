"""Learn English attribution cue words from PolNeAR's train part: every word that heads at least
``--min-count`` annotated cues and is a cue in at least ``--min-rate`` of its occurrences.

    python -m newsprism.train.cues ../shared/benchmarks/polnear-attribution/polnear_v1.0.0_no_test.tar.xz

Writes ``extract/cues_en.txt`` (one word form per line, with its counts as a comment), which
``quotes.py`` adds to its hand-written cue verbs. Only verbs are used as cues at run time (spaCy's tag).
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

from ..datasets import iter_part, parse_ann

FUNCTION_WORDS = frozenset("in for of to about the a an on at by with that and is was be been has have had will would "
                           "could should may might not it as from this".split())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("polnear")
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--min-rate", type=float, default=0.3)
    ap.add_argument("--out", default=str(Path(__file__).parent.parent / "extract" / "cues_en.txt"))
    args = ap.parse_args()
    cues: Counter[str] = Counter()
    words: Counter[str] = Counter()
    for _name, text, ann in iter_part(Path(args.polnear), "train"):
        words.update(re.findall(r"[a-z]+", text.lower()))
        for g in parse_ann(ann):
            if g["cue"]:
                cues.update(re.findall(r"[a-z]+", text[g["cue"][0] : g["cue"][1]].lower()))
    kept = sorted((w for w, n in cues.items() if n >= args.min_count and w not in FUNCTION_WORDS
                   and n / max(words[w], n) >= args.min_rate), key=lambda w: -cues[w])  # (n > words[w] where a cue span cuts a word)
    lines = ["# attribution cue word forms learned from PolNeAR train (python -m newsprism.train.cues)"]
    lines += [f"{w}\t# {cues[w]} of {words[w]}" for w in kept]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(kept)} cue forms -> {args.out}")


if __name__ == "__main__":
    main()
