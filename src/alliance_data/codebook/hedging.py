"""The hedge cue table: the one rule that sets a claim's certainty, and the booster list.

A cue is matched as whole words, case-insensitively. Each cue maps to the strongest certainty
it allows. A claim's certainty is decided by its cues: every cue in its quote, found by this
table, and every governing cue recorded for it (certainty_cues, scope 'governing'): a cue
outside the quote whose clause scopes over the claim. The certainty must equal the weakest
level among them ('asserted' when there is none), unless the record carries a `hedge_note`
that says why the text departs from the table (e.g. "might be less publicized" is a
concession, not a hedge). Every cue below occurs in the curated sources or is a standard hedge
an analyst would expect; extend the table, not the records.

Scope. A cue governs the clause it stands in and whatever that clause introduces: the items of
a list it heads ("Expect to see more joint ventures, increased trade volumes, and …"), and a
continuation that spells it out and has no cue of its own ("This includes …", "This means …",
"This could involve …" takes its own). A governing cue is recorded once per claim it covers,
anchored at the cue's own words in the text, with the reason; a new sentence that makes its
own claim without such a continuation starts a new scope.

Epistemic "can". "can" is not a cue: in the sources it states a capacity ("Russia can provide
Iran with energy", "frameworks that can withstand external pressures", "their coordinated
strategies can influence global supply"), which the author asserts. Where a "can" clause
spells out a possibility that a cue of the sentence before introduced ("the potential for
increased regional instability … In regions like the Middle East, the intertwined interests of
Iran and Russia can reshape existing dynamics"), that cue governs it and is recorded as a
governing cue; "can" itself never sets certainty.

Deliberately not cues: "often" (frequency, not doubt), "perceive" (marks an attributed view,
recorded in claims.attribution instead).

Boosters ("undoubtedly", "definitely", "clearly", "pretty clear", "absolutely") mark emphasis,
not a level of the scale: the build records them in claims.booster_cues and they never change
certainty.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

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

BOOSTER_CUES: tuple[str, ...] = ("undoubtedly", "definitely", "clearly", "pretty clear", "absolutely")

_ORDER = {level: rank for rank, level in enumerate(Certainty)}


def word_pattern(words) -> str:
    """A regex matching any of `words` as whole words, longest first (so "potentially even"
    wins over "potentially" at the same place), any whitespace run inside a phrase."""
    alternatives = "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in sorted(words, key=len, reverse=True))
    return rf"\b(?:{alternatives})\b"


@cache
def _cue_pattern() -> re.Pattern[str]:
    return re.compile(word_pattern(HEDGE_CUES), re.IGNORECASE)


@cache
def _booster_pattern() -> re.Pattern[str]:
    return re.compile(word_pattern(BOOSTER_CUES), re.IGNORECASE)


# Cached: a corpus repeats the same few cue forms over and over (a third of deriving its cues).
@lru_cache(maxsize=4096)
def normalized_cue(words: str) -> str:
    """A cue as the table writes it: lower case, single spaces."""
    return " ".join(words.lower().split())


def find_cue_spans(text: str) -> list[tuple[str, int, int]]:
    """The cues in `text` as (cue, start, end), offsets into `text`, in order of appearance."""
    return [(normalized_cue(m.group(0)), m.start(), m.end()) for m in _cue_pattern().finditer(text)]


def find_cues(text: str) -> list[str]:
    """The cues in `text`, lower-cased, in order of appearance."""
    return [cue for cue, _, _ in find_cue_spans(text)]


def find_boosters(text: str) -> list[str]:
    """The boosters in `text`, lower-cased, in order of appearance."""
    return [normalized_cue(match.group(0)) for match in _booster_pattern().finditer(text)]


def certainty_of_cues(cues: list[str]) -> Certainty:
    """The weakest level among `cues` (as `find_cues` returns them); 'asserted' for none."""
    return max((HEDGE_CUES[cue] for cue in cues), key=_ORDER.__getitem__, default=Certainty.ASSERTED)


def implied_certainty(text: str) -> Certainty:
    """The certainty the cue table gives `text`: the weakest level among its cues."""
    return certainty_of_cues(find_cues(text))
