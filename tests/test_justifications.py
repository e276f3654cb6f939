"""Words for readers: each link's justification is a sentence a reader understands without the
codebook, not curators' shorthand (no "Inferred, kept", no claim ids or offsets standing for
content a reader needs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
LINKS = yaml.safe_load((ROOT / "data" / "claim_links.yaml").read_text(encoding="utf-8"))
SHORTHAND = {
    "a claim id (a reader follows the link, not the id)": re.compile(r"\birda-s\d+-\d{3}\b"),
    "a character offset": re.compile(r"\(\d{3,6}\)|\b(?:as|at) \d{3,6}\b"),
    "the shorthand 'Inferred, kept'": re.compile(r"^Inferred, kept"),
    "the shorthand 'Adjacent text, no connective'": re.compile(r"^Adjacent text, no connective"),
    "an arrow for a relation": re.compile(r"->|→"),
}


def shorthand(justification: str) -> list[str]:
    found = [what for what, pattern in SHORTHAND.items() if pattern.search(justification)]
    opening = justification.lstrip("'\"‘“(")
    if not opening[:1].isupper():
        found.append("no capital at the start of the sentence")
    if not re.search(r"[.!?]['\"’”)]*$", justification.strip()):
        found.append("no full stop at the end")
    return found


@pytest.mark.parametrize(
    "text",
    [
        "Inferred, kept: the curators' reading.",
        "Adjacent text, no connective: as irda-s3-011.",
        "topic frame turning to Russia's side of the trade",
        "'in essence' (4904) is part of this signal.",
        "Economic complementarity → the economic cornerstone.",
    ],
)
def test_shorthand_is_recognised(text):
    assert shorthand(text)


def test_a_plain_sentence_passes():
    assert shorthand("'For instance' introduces an example of the differing regional ambitions.") == []


def test_every_justification_is_a_sentence_for_readers():
    bad = {
        f"{link['from_claim']} {link['relation']} {link['to_claim']}": shorthand(link["justification"])
        for link in LINKS
    }
    assert {link: found for link, found in bad.items() if found} == {}
