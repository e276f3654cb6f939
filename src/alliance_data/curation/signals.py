"""Link signals: the phrases of a text that could join two claims, and the codebook's table of
which relation each listed signal marks.

`candidates(text, start, end)` finds them in a span of a source. Every candidate in a
claim-bearing section must be decided in data/link_signals.yaml (as a link an explicit claim link
carries, as going with an implicit link, or as no link with the reason); `alliance-data coverage`
lists those never decided. The scanner is complete by construction: it looks for every signal the
codebook lists for a relation (`LinkRelation.signals`) and for every class of phrase the codebook
names as a signal (connectives, relational verbs and nouns, anaphors), so it over-generates:
deciding a candidate as no link is cheap, missing an argued link is not.

`signal_pattern` turns a listed signal into the regular expression both rule engines match an
explicit link's signal against (rule `signal_follows_codebook`).
"""

from __future__ import annotations

import re
from functools import cache

from ..codebook.vocabulary import SIGNAL_GAP, LinkRelation

# Relational phrases the codebook names as signals beyond the listed examples: verbs and nouns
# of cause, consequence and support, found anywhere in a sentence.
RELATIONAL_PHRASES = (
    "driven by",
    "influenced by",
    "shaped by",
    "pushing",
    "drivers?",
    "leads? to",
    "led to",
    "leading to",
    "results? in",
    "creates?",
    "created",
    "due to",
    "in response to",
    "for good reason",
    "foundation",
    "built on",
    "built upon",
    "heralding",
    "in essence",
    "showing how",
    "shows? that",
    "demonstrates?",
    "contributing to",
    "counter-\\w+",
    "hinges on",
    "a prime example",
    "clear signal",
    "clear indication",
    "despite",
    "though",
    "albeit",
    "paradoxically",
    "especially as",
    "on the other hand",
)
# Anaphors: a reference back that may join a sentence to an earlier claim, anywhere.
ANAPHORS = ("this", "these", "such")
# At the start of a sentence: discourse connectives that tie it to what came before.
SENTENCE_OPENERS = ("as", "so", "by", "while", "but", "however", "it", "that")


def _first_part(signal: str) -> str:
    return signal.split(SIGNAL_GAP)[0].strip(" ,")


def _is_sentence_initial(signal: str) -> bool:
    """A signal the codebook writes with a capital stands at the start of a sentence."""
    return signal[:1].isupper()


def _words(phrase: str) -> str:
    """A literal phrase as a regex: any run of spaces, either apostrophe."""
    return re.escape(phrase).replace(r"\ ", r"\s+").replace("'", "['’]")


def _alternatives(phrases: list[str], literal: bool = True) -> str:
    unique = sorted(set(phrases), key=lambda phrase: (-len(phrase), phrase))
    return "|".join(_words(phrase) if literal else phrase for phrase in unique)


def listed_signals() -> list[tuple[str, str]]:
    """(relation, signal) of every signal the codebook lists, in the vocabulary's order."""
    return [(relation.value, signal) for relation in LinkRelation for signal in relation.signals]


@cache
def _pattern() -> re.Pattern[str]:
    listed = [signal for _, signal in listed_signals()]
    anywhere = [_first_part(signal).lower() for signal in listed if not _is_sentence_initial(signal)]
    openers = [_first_part(signal).lower() for signal in listed if _is_sentence_initial(signal)]
    words_anywhere = rf"\b(?:{_alternatives(anywhere)}|{_alternatives(list(RELATIONAL_PHRASES), literal=False)}"
    words_anywhere += rf"|{_alternatives(list(ANAPHORS))})\b"
    at_start = rf"(?:(?<=^)|(?<=[.!?]\s)|(?<=\n))(?:{_alternatives([*openers, *SENTENCE_OPENERS])})\b"
    # The longest match at a place wins: a sentence-initial phrase is tried before a word inside it.
    return re.compile(rf"{at_start}|{words_anywhere}", re.IGNORECASE)


def candidates(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """(start, end, words) of every candidate signal in text[start:end], in order."""
    end = len(text) if end is None else end
    return [(m.start(), m.end(), m.group(0)) for m in _pattern().finditer(text, start, end)]


def said(signal_quote: str) -> str:
    """A signal as the binding table matches it: lower case, straight apostrophes, single spaces."""
    return " ".join(signal_quote.replace("’", "'").lower().split())


def signal_pattern(signal: str) -> str:
    """The regex (RE2 and Java alike) a signal matches, as `said` writes it, when it contains the
    listed signal as whole words, its parts in order."""
    parts = [re.escape(part.strip().lower()).replace(r"\ ", " ") for part in signal.split(SIGNAL_GAP)]
    body = ".*".join(part for part in parts if part)
    opening = r"\b" if body[:1].isalnum() else ""
    closing = r"\b" if signal.rstrip()[-1:].isalnum() else ""
    return f"{opening}{body}{closing}"


def signal_weight(signal: str) -> int:
    """How specific a listed signal is: its length without the gap. The most specific match decides."""
    return len(signal.replace(SIGNAL_GAP, "").strip())


def binding_relations(signal_quote: str) -> tuple[set[str], list[str]]:
    """The relations whose most specific listed signal the quote contains, and those signals."""
    text = said(signal_quote)
    found = [
        (signal_weight(signal), relation, signal)
        for relation, signal in listed_signals()
        if re.search(signal_pattern(signal), text)
    ]
    if not found:
        return set(), []
    best = max(weight for weight, _, _ in found)
    winners = [(relation, signal) for weight, relation, signal in found if weight == best]
    return {relation for relation, _ in winners}, [signal for _, signal in winners]
