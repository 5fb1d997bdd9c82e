"""The verdicts on a story, each a named function of one ``Story``, run from one list (``CompareConfig.verdicts``):

- ``figures``: figures every report states alike; a slot's leading figure, an outcome in words, percentages
  in one claim, stated differently;
- ``where``: one aligned claim placed in two cities far apart;
- ``dates``: the same event dated differently; dates that cannot be right (``garbled``: listed as
  unreliable, never a side of a contradiction);
- ``speakers``: one person's quotes matched across reports and languages; the same words given to two people;
  the spellings of a name the story teaches (兰布卡 is Sitiveni Rabuka);
- ``timeline``: publications and the dates events are given.

Every contradiction carries both spans and a reason.
"""

from __future__ import annotations

from typing import Any, Callable

from ...model import Contradiction
from ..align import omissions, omitted_figures
from .common import Story
from .dates import dated_events, unreliable
from .figures import agreed_figures, figure_clashes, outcome_clashes, percent_clashes
from .speakers import quote_matches, sound_key, speaker_clashes, spellings
from .timeline import timeline
from .where import place_clashes

CONTRADICTION_CHECKS: dict[str, Callable[[Story], list[Contradiction]]] = {
    "figures": figure_clashes,
    "outcomes": outcome_clashes,
    "percent": percent_clashes,
    "places": place_clashes,
    "dates": dated_events,
    "speakers": speaker_clashes,
}


def contradictions(story: Story) -> list[Contradiction]:
    return [c for name in story.config.contradiction_checks for c in CONTRADICTION_CHECKS[name](story)]


VERDICTS: dict[str, Callable[[Story], Any]] = {
    "omissions": lambda s: omissions(s.groups, [a.id for a in s.articles], s.report_of),
    "omitted_figures": lambda s: omitted_figures(s.groups, s.extractions, s.report_of),
    "contradictions": contradictions,
    "agreed": agreed_figures,
    "quotes": quote_matches,
    "spellings": spellings,
    "timeline": timeline,
    "unreliable": unreliable,
}

__all__ = ["CONTRADICTION_CHECKS", "VERDICTS", "Story", "contradictions", "sound_key"]
