import re

from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_data.codebook.hedging import (
    BOOSTER_CUES,
    HEDGE_CUES,
    WordFinder,
    find_cue_columns,
    find_cue_spans,
    find_cues,
    implied_certainty,
    word_pattern,
)
from alliance_data.codebook.vocabulary import Certainty


def test_no_cue_means_asserted():
    assert implied_certainty("Economic and Trade Relations are a cornerstone.") is Certainty.ASSERTED


def test_cues_match_whole_words_case_insensitively():
    assert find_cues("Could this MIGHT happen") == ["could", "might"]
    # "may" must not match inside "maybe" or "mayor"; "maybe" is its own cue.
    assert find_cues("the mayor said maybe") == ["maybe"]
    assert find_cues("unlikely") == []


def test_longest_cue_wins_at_the_same_place():
    assert find_cues("and potentially even coordinated efforts") == ["potentially even"]
    assert implied_certainty("and potentially even coordinated efforts") is Certainty.SPECULATIVE


def test_multiword_cues_span_any_whitespace():
    assert find_cues("is poised\nto deepen") == ["poised to"]


def test_weakest_cue_decides():
    assert implied_certainty("We'll likely see it, and it could fail") is Certainty.POSSIBLE
    assert implied_certainty("Imagine it; it will likely happen") is Certainty.SPECULATIVE


def test_every_cue_in_the_table_is_found_by_itself():
    for cue, level in HEDGE_CUES.items():
        assert find_cues(f"x {cue} y") == [cue]
        assert implied_certainty(f"x {cue} y") is level


# Text made of cue pieces, word characters and separators, in any case: where the lowered ASCII
# search of WordFinder could part from the full pattern (a cue inside a word, after "_" or a
# digit, across whitespace runs of every kind, next to a non-ASCII letter).
_PIECES = st.sampled_from(
    [
        *HEDGE_CUES,
        *BOOSTER_CUES,
        "may",
        "be",
        "even",
        "to",
        "ab cd",
        "b",
        "_",
        "1",
        "x",
        " ",
        "\t",
        "\n",
        "\x0b",
        "\x1c",
        "-",
        "é",
        "ſ",
        "K",
    ]
)


@settings(max_examples=2000, deadline=None)
@given(st.lists(_PIECES, max_size=12), st.lists(st.booleans(), max_size=60))
def test_word_finder_finds_what_the_full_pattern_finds(pieces, upper):
    text = "".join(pieces)
    text = "".join(c.upper() if i < len(upper) and upper[i] else c for i, c in enumerate(text))
    # The last list has a word inside another, after a space: a match refused for its start
    # must not hide one that starts within it.
    for words in (HEDGE_CUES, BOOSTER_CUES, ("ab cd", "cd", "b")):
        full = re.compile(word_pattern(words), re.IGNORECASE)
        found = WordFinder(words).spans_of_each([text])
        assert list(zip(*found, strict=True)) == [(0, *match.span()) for match in full.finditer(text)]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(_PIECES, max_size=8).map("".join), max_size=8), st.sampled_from(["", "\x00", "é"]))
def test_the_spans_of_many_texts_at_once_are_the_spans_of_each(texts, extra):
    # NUL joins the texts of one scan; a text holding NUL itself, or only non-ASCII ones, too.
    texts = [text + extra if i % 2 else text for i, text in enumerate(texts)]
    for words in (HEDGE_CUES, BOOSTER_CUES, ("ab cd", "cd", "b")):
        finder = WordFinder(words)
        expected = [(n, start, end) for n, text in enumerate(texts) for start, end in finder.spans(text)]
        assert list(zip(*finder.spans_of_each(texts), strict=True)) == expected
    cues = [(n, cue, start, end) for n, text in enumerate(texts) for cue, start, end in find_cue_spans(text)]
    assert list(zip(*find_cue_columns(texts), strict=True)) == cues
