"""Anchors of claims in source texts, after the W3C Web Annotation selectors.

A claim's quote is held three ways: its exact text, its offsets (TextPositionSelector)
and a short prefix and suffix (TextQuoteSelector). `anchor()` computes all three for a
curator; `anchor_problems()` checks a stored anchor against the source text.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..codebook.identifiers import CONTEXT_CHARS


@dataclass(frozen=True)
class Anchor:
    quote: str
    char_start: int
    char_end: int
    prefix: str
    suffix: str


def anchor_at(text: str, char_start: int, char_end: int) -> Anchor:
    """The anchor of text[char_start:char_end], with its context."""
    return Anchor(
        quote=text[char_start:char_end],
        char_start=char_start,
        char_end=char_end,
        prefix=text[max(0, char_start - CONTEXT_CHARS) : char_start],
        suffix=text[char_end : char_end + CONTEXT_CHARS],
    )


def anchor(text: str, quote: str, occurrence: int = 1) -> Anchor:
    """Find the `occurrence`-th exact match of `quote` in `text` and return its anchor."""
    start = -1
    for _ in range(occurrence):
        start = text.find(quote, start + 1)
        if start < 0:
            raise ValueError(f"quote not found verbatim (occurrence {occurrence}): {quote!r}")
    return anchor_at(text, start, start + len(quote))


def span_problems(text: str, quote: str, char_start: int, char_end: int) -> list[tuple[str, str]]:
    """What is wrong with a quoted span (a claim's quote, a link's signal), as (field, message)
    pairs naming the offsets ('char_start') or the text ('quote'); empty when it verifies."""
    if not 0 <= char_start < char_end <= len(text):
        return [
            ("char_start", f"offsets {char_start}..{char_end} are empty, reversed or outside the text (0..{len(text)})")
        ]
    found_text = text[char_start:char_end]
    if quote == found_text:
        return []
    found = text.find(quote)
    hint = f"; the quote occurs at {found}..{found + len(quote)}" if found >= 0 else _near_miss(text, quote)
    return [("quote", f"quote is not the text at {char_start}..{char_end} ({found_text[:60]!r}){hint}")]


def anchor_problems(
    text: str, quote: str, char_start: int, char_end: int, prefix: str, suffix: str
) -> list[tuple[str, str]]:
    """What is wrong with a stored anchor, as (field, message) pairs; empty when it verifies."""
    problems = span_problems(text, quote, char_start, char_end)
    if problems and problems[0][0] == "char_start":
        return problems
    expected = anchor_at(text, char_start, char_end)
    if prefix != expected.prefix:
        problems.append(
            ("prefix", f"prefix must be the {len(expected.prefix)} characters before the quote: {expected.prefix!r}")
        )
    if suffix != expected.suffix:
        problems.append(
            ("suffix", f"suffix must be the {len(expected.suffix)} characters after the quote: {expected.suffix!r}")
        )
    return problems


def _near_miss(text: str, quote: str) -> str:
    """Explain a quote that only differs by apostrophes, whitespace or normalization."""
    import unicodedata

    def fold(value: str) -> str:
        value = unicodedata.normalize("NFKC", value).replace("\u2019", "'").replace("\u2018", "'")
        return " ".join(value.split())

    if fold(quote) in fold(text):
        return (
            "; it matches only after folding apostrophes (\u2019 vs '), whitespace or Unicode "
            "normalization: copy the span from the source text instead of retyping it"
        )
    return "; the quote does not occur in the source text"
