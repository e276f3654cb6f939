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


class WordFinder:
    """Where any of `words` occurs as whole words, case-insensitively: the matches of
    `word_pattern(words)` under re.IGNORECASE, as (start, end)."""

    def __init__(self, words) -> None:
        pattern = word_pattern([word.lower() for word in words])
        self._full = re.compile(pattern, re.IGNORECASE)
        # The same alternatives without the leading \b, for lowered ASCII text (`spans_of_each`).
        self._lowered = re.compile(pattern.removeprefix(r"\b"))

    def spans(self, text: str) -> list[tuple[int, int]]:
        return [match.span() for match in self._full.finditer(text)]

    def spans_of_each(self, texts: list[str]) -> tuple[list[int], list[int], list[int]]:
        """`spans` of every text at once, as columns: the text's number, start, end; in text
        order, then place. The ASCII texts (nearly every quote) are lowered and searched as
        one string, joined by NUL (neither a word character nor a space, so no match reaches
        across it and it bounds a word as a string's ends do), by the alternatives without the
        leading \\b and without IGNORECASE: a pattern that begins with literal alternatives lets
        Python's re skip ahead to a letter that can start one, which neither allows. On ASCII
        text lowering is exact and \\w, \\s and case folding mean what they do in the full
        pattern; the leading boundary is checked by numpy, which also places the matches in
        their texts. A text in which a match starts inside a word is searched again by `spans`,
        the full pattern, and so is every text that is not ASCII. The cues of
        a million quotes are found in less than half the time (benchmarks/NOTES.md)."""
        import numpy

        is_ascii = numpy.fromiter((text.isascii() for text in texts), bool, len(texts))
        ascii_numbers = numpy.flatnonzero(is_ascii)
        ascii_texts = [texts[number] for number in ascii_numbers.tolist()]
        joined = "\0".join(ascii_texts).lower()
        lengths = numpy.fromiter((len(text) + 1 for text in ascii_texts), numpy.int64, len(ascii_texts))
        starts = numpy.cumsum(lengths) - lengths  # where each text begins in `joined`
        spans = numpy.array([match.span() for match in self._lowered.finditer(joined)], numpy.int64).reshape(-1, 2)
        begin, end = spans[:, 0], spans[:, 1]
        within = numpy.searchsorted(starts, begin, side="right") - 1
        numbers = ascii_numbers[within]
        word_bytes = numpy.array([chr(code).isalnum() or chr(code) == "_" for code in range(128)] + [False] * 128)
        before = numpy.frombuffer(joined.encode("ascii"), numpy.uint8)[numpy.maximum(begin - 1, 0)]
        inside_word = (begin > 0) & word_bytes[before]
        again = sorted(set(numbers[inside_word].tolist()) | set(numpy.flatnonzero(~is_ascii).tolist()))
        kept = ~numpy.isin(numbers, numpy.array(again, numpy.int64))
        redone = [(number, start, stop) for number in again for start, stop in self.spans(texts[number])]
        columns = [
            numpy.concatenate((numbers[kept], numpy.array([n for n, _, _ in redone], numpy.int64))),
            numpy.concatenate(((begin - starts[within])[kept], numpy.array([b for _, b, _ in redone], numpy.int64))),
            numpy.concatenate(((end - starts[within])[kept], numpy.array([e for _, _, e in redone], numpy.int64))),
        ]
        order = numpy.lexsort((columns[1], columns[0]))
        return tuple(column[order].tolist() for column in columns)


@cache
def _cue_finder() -> WordFinder:
    return WordFinder(HEDGE_CUES)


@cache
def _booster_finder() -> WordFinder:
    return WordFinder(BOOSTER_CUES)


# Cached: a corpus repeats the same few cue forms over and over (a third of deriving its cues).
@lru_cache(maxsize=4096)
def normalized_cue(words: str) -> str:
    """A cue as the table writes it: lower case, single spaces."""
    return " ".join(words.lower().split())


def find_cue_columns(texts: list[str]) -> tuple[list[int], list[str], list[int], list[int]]:
    """`find_cue_spans` of every text at once, as columns: the text's number, the cue, its
    start and end; in text order, then place (`WordFinder.spans_of_each`)."""
    numbers, starts, ends = _cue_finder().spans_of_each(texts)
    cues = [normalized_cue(texts[n][start:end]) for n, start, end in zip(numbers, starts, ends, strict=True)]
    return numbers, cues, starts, ends


def find_cue_spans(text: str) -> list[tuple[str, int, int]]:
    """The cues in `text` as (cue, start, end), offsets into `text`, in order of appearance."""
    return [(normalized_cue(text[start:end]), start, end) for start, end in _cue_finder().spans(text)]


def find_cues(text: str) -> list[str]:
    """The cues in `text`, lower-cased, in order of appearance."""
    return [cue for cue, _, _ in find_cue_spans(text)]


def find_boosters(text: str) -> list[str]:
    """The boosters in `text`, lower-cased, in order of appearance."""
    return [normalized_cue(text[start:end]) for start, end in _booster_finder().spans(text)]


def certainty_of_cues(cues: list[str]) -> Certainty:
    """The weakest level among `cues` (as `find_cues` returns them); 'asserted' for none."""
    return max((HEDGE_CUES[cue] for cue in cues), key=_ORDER.__getitem__, default=Certainty.ASSERTED)


def implied_certainty(text: str) -> Certainty:
    """The certainty the cue table gives `text`: the weakest level among its cues."""
    return certainty_of_cues(find_cues(text))
