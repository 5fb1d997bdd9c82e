"""The bundled demo corpus: short articles written for newsprism (not copied from any outlet).

``corpus.jsonl`` is in the common benchmark format (FORMAT.md of the shared benchmarks), so its
``story`` field is the authors' intended clustering; ``expected.json`` lists what the authors
planted in each story (agreements, omissions, quotes, conflicting figures and dates) so that
every later stage can be tested against it.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any


def corpus_path() -> Path:
    return Path(str(resources.files("newsprism.demo") / "corpus.jsonl"))


def expected() -> dict[str, Any]:
    return json.loads((resources.files("newsprism.demo") / "expected.json").read_text(encoding="utf-8"))


def gold_stories() -> dict[str, str]:
    """Article external id -> the story its authors meant it to join."""
    out = {}
    with open(corpus_path(), encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                out[row["id"]] = row["story"]
    return out
