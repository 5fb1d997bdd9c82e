"""The background encoder gives the same vectors as the in-process one, and fails loudly, not silently."""

from __future__ import annotations

import numpy as np
import pytest

from newsprism.embed import Encoder, Prefetch

TEXTS = ["Dockworkers strike in Rotterdam", "鹿特丹码头工人罢工", "Huelga de estibadores en Róterdam", ""]


def test_background_encoder_matches_inline():
    inline = Encoder("use-multilingual").submit(TEXTS).result()
    with Encoder("use-multilingual", background=True) as enc:
        futures = [enc.submit(TEXTS[:2]), enc.submit(TEXTS[2:])]
        background = np.vstack([f.result(timeout=120) for f in futures])
    assert background.shape == (4, 512)
    assert np.allclose(inline, background, atol=1e-5)
    # the cross-lingual point of the encoder: the Chinese headline is nearer its English twin than chance
    assert inline[0] @ inline[1] > 0.5


def test_background_encoder_reports_an_unknown_model():
    with Encoder("no-such-model", background=True) as enc:
        with pytest.raises(RuntimeError, match="no-such-model"):
            enc.submit(["x"]).result(timeout=120)


def test_prefetch_starts_only_when_worth_it_and_stays_bounded(monkeypatch):
    monkeypatch.setattr(Encoder, "worth_a_process", staticmethod(lambda n: True))
    pre = Prefetch("use-multilingual", min_texts=3, max_texts=4)
    try:
        pre.add(["a", "b"], TEXTS[:2])
        assert pre.encoder is None  # two texts: not worth a process yet
        pre.add(["c", "d"], TEXTS[2:])
        assert pre.encoder is not None and pre.pending(["a", "d", "z"]) == {"a", "d"}
        pre.add(["e"], ["ignored: four already in flight"])
        assert pre.pending(["e"]) == set()
        got = pre.take(["b", "z"])
        assert list(got) == ["b"] and got["b"].shape == (512,)
    finally:
        pre.close()
