"""The inventory of candidate link signals is complete by construction: the scanner finds every
signal the codebook lists for a relation, and every class of relational phrase it names, in any
text that contains it; and every candidate of the article is decided."""

from __future__ import annotations

from pathlib import Path

import pytest

from alliance_data.codebook.vocabulary import SIGNAL_GAP, LinkRelation
from alliance_data.curation.coverage import undecided_signals
from alliance_data.curation.reading import read_dataset
from alliance_data.curation.signals import candidates
from alliance_data.problems import ProblemList

ROOT = Path(__file__).resolve().parents[1]
LISTED = [(relation.value, signal) for relation in LinkRelation for signal in relation.signals]
BEFORE = "The two states met again. "
AFTER = " the rest of the sentence follows."


def starts(text: str) -> set[int]:
    return {start for start, _, _ in candidates(text)}


def example(signal: str) -> str:
    return signal.replace(SIGNAL_GAP, "their ties")


@pytest.mark.parametrize(("relation", "signal"), LISTED, ids=[f"{r}:{s}" for r, s in LISTED])
def test_every_listed_signal_is_found_at_the_start_of_a_sentence(relation, signal):
    phrase = example(signal)
    text = BEFORE + phrase[:1].upper() + phrase[1:] + AFTER
    assert len(BEFORE) in starts(text), (relation, signal, candidates(text))


LOWER = [(relation, signal) for relation, signal in LISTED if not signal[:1].isupper()]


@pytest.mark.parametrize(("relation", "signal"), LOWER, ids=[f"{r}:{s}" for r, s in LOWER])
def test_every_signal_listed_in_lower_case_is_found_inside_a_sentence(relation, signal):
    head = "The two states met again, and "
    text = head + example(signal) + AFTER
    assert len(head) in starts(text), (relation, signal, candidates(text))


@pytest.mark.parametrize(
    "phrase",
    [
        "driven by",
        "influenced by",
        "lead to",
        "led to",
        "a significant driver",
        "counter-measures",
        "foundation",
        "heralding",
        "in essence",
        "showing how",
        "for good reason",
        "this perceived dominance",
        "such headwinds",
    ],
)
def test_every_class_of_relational_phrase_is_found_inside_a_sentence(phrase):
    head = "Their ties grew, "
    text = head + phrase + AFTER
    found = [(start, words) for start, _, words in candidates(text)]
    assert any(head_start <= start < len(head) + len(phrase) for head_start in [len(head)] for start, _ in found), (
        phrase,
        found,
    )


def test_the_curly_apostrophe_of_the_article_does_not_hide_a_signal():
    text = "They met. It’s a clear signal that ties grow."
    assert (10, 10 + len("It’s a clear signal that"), "It’s a clear signal that") in candidates(text)


def test_a_sentence_without_signals_gives_no_candidate():
    assert candidates("Trade grew fast. Ports opened.") == []


def test_every_candidate_of_the_article_is_decided():
    dataset = read_dataset(ROOT / "data", ProblemList())
    assert undecided_signals(dataset) == []
