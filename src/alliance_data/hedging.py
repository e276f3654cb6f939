"""The hedge cue table: the one rule that sets a claim's certainty.

A cue is matched as whole words, case-insensitively, in the claim's quote. Each cue maps to
the strongest certainty it allows. A claim's certainty must equal the weakest level among
the cues in its quote ('asserted' when there is none), unless the record carries a
`hedge_note` that says why the text departs from the table (e.g. "might be less
publicized" is a concession, not a hedge). Every cue below occurs in the curated sources
or is a standard hedge an analyst would expect; extend the table, not the records.

Deliberately not cues: "can" (in the sources it states an ability, "Russia can provide
Iran with energy"), "often" (frequency, not doubt), "perceive" (marks an attributed view,
recorded in claims.attribution instead).
"""

from __future__ import annotations

import re
from functools import cache

from .vocabulary import Certainty

HEDGE_CUES: dict[str, Certainty] = {
    # Offered as probable.
    "likely": Certainty.LIKELY,
    "probably": Certainty.LIKELY,
    "expect": Certainty.LIKELY,
    "expected to": Certainty.LIKELY,
    "poised to": Certainty.LIKELY,
    "set to": Certainty.LIKELY,
    # Offered as possible.
    "could": Certainty.POSSIBLE,
    "might": Certainty.POSSIBLE,
    "may": Certainty.POSSIBLE,
    "maybe": Certainty.POSSIBLE,
    "perhaps": Certainty.POSSIBLE,
    "potentially": Certainty.POSSIBLE,
    "possibly": Certainty.POSSIBLE,
    "potential": Certainty.POSSIBLE,
    "scope for": Certainty.POSSIBLE,
    "depending on": Certainty.POSSIBLE,
    # Offered as an illustration or a long shot.
    "imagine": Certainty.SPECULATIVE,
    "potentially even": Certainty.SPECULATIVE,
    "perhaps even": Certainty.SPECULATIVE,
    "might even": Certainty.SPECULATIVE,
}

_ORDER = {level: rank for rank, level in enumerate(Certainty)}


@cache
def _cue_pattern() -> re.Pattern[str]:
    # Longest cues first, so "potentially even" wins over "potentially" at the same place.
    cues = sorted(HEDGE_CUES, key=len, reverse=True)
    alternatives = "|".join(re.escape(cue).replace(r"\ ", r"\s+") for cue in cues)
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


def find_cues(text: str) -> list[str]:
    """The cues in `text`, lower-cased, in order of appearance."""
    return [" ".join(match.group(0).lower().split()) for match in _cue_pattern().finditer(text)]


def certainty_of_cues(cues: list[str]) -> Certainty:
    """The weakest level among `cues` (as `find_cues` returns them); 'asserted' for none."""
    return max((HEDGE_CUES[cue] for cue in cues), key=_ORDER.__getitem__, default=Certainty.ASSERTED)


def implied_certainty(text: str) -> Certainty:
    """The certainty the cue table gives `text`: the weakest level among its cues."""
    return certainty_of_cues(find_cues(text))
