"""The comparison's configuration: which verdicts run, the thresholds they judge by, and the version that
cached dossiers carry, derived from all of it (a changed threshold or list redoes them by itself)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class CompareConfig:
    # What a StoryComparison holds, each computed by the verdict of that name (compare/verdicts), in this order.
    verdicts: tuple[str, ...] = ("omissions", "omitted_figures", "contradictions", "agreed", "quotes", "spellings",
                                 "timeline", "unreliable")
    # The contradiction checks, in the order their findings are listed.
    contradiction_checks: tuple[str, ...] = ("figures", "outcomes", "percent", "places", "dates", "speakers")
    quote_match: float = 0.5  # cosine of two renderings of the same words (translations score 0.6-0.9)
    same_words: float = 0.8  # cosine of two quotations that are the same words (one language; translations score lower)
    # a name in Chinese characters that sounds like no Latin one is the speaker to whom another report gives
    # words this close (translations of one quotation score 0.6-0.9; two people's words on one subject, lower)
    alias_match: float = 0.75
    institution_match: float = 0.7  # a person's words given to her ministry or country: close to word for word
    # Cosine of the words around two dates that date the same event: inside one aligned claim, and anywhere
    # in the story (tuned on the demo corpus, checked for false alarms on 150 GVA dev incidents).
    date_in_claim_match: float = 0.4
    date_context_match: float = 0.55
    background_days: int = 90  # dates this long before the first report are history told as background
    # The rules' own revision: bump it when the code of a verdict or of the alignment changes its output.
    revision: str = "2026-12-03b"

    @property
    def version(self) -> str:
        digest = hashlib.sha1(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:8]
        return f"compare-{self.revision}-{digest}"


DEFAULT = CompareConfig()
