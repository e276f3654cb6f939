"""Candidate link signals: the connectives and anaphors of a text that could join two claims.

`candidates(text, start, end)` finds them in a span of a source. Every candidate in a claim-bearing
section must be decided in data/link_signals.yaml (as a link an explicit claim link carries, or as
no link with the reason); `alliance-data coverage` lists those never decided. The list is meant
to over-generate: deciding a candidate as no link is cheap, missing an argued link is not.
"""

from __future__ import annotations

import re
from functools import cache

# Anywhere in a sentence: connectives that mark a reason, a consequence, an example, a concession
# or a reference back.
ANYWHERE = (
    "driven by",
    "making them",
    "a prime example",
    "for instance",
    "clear signal",
    "clear indication",
    "this means",
    "this includes",
    "this could",
    "this has led to",
    "lead to",
    "led to",
    "because",
    "due to",
    "despite",
    "in response to",
    "as we touched upon earlier",
    "contributing to",
    "on the other hand",
    "albeit",
    "paradoxically",
    "in essence",
)
# At the start of a sentence: anaphors and discourse connectives that tie it to what came before.
SENTENCE_OPENERS = (
    "this",
    "these",
    "such",
    "as",
    "so",
    "furthermore",
    "more importantly",
    "however",
    "finally",
    "lastly",
    "ultimately",
    "another",
    "beyond",
    "think about",
    "imagine",
    "while",
    "by",
)


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in sorted(words, key=len, reverse=True))


@cache
def _pattern() -> re.Pattern[str]:
    opener = rf"(?:(?<=^)|(?<=[.!?]\s)|(?<=\n))(?:{_alternatives(SENTENCE_OPENERS)})\b"
    anywhere = rf"\b(?:{_alternatives(ANYWHERE)})\b"
    return re.compile(rf"{anywhere}|{opener}", re.IGNORECASE)


def candidates(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """(start, end, words) of every candidate signal in text[start:end], in order."""
    end = len(text) if end is None else end
    return [(m.start(), m.end(), m.group(0)) for m in _pattern().finditer(text, start, end)]
