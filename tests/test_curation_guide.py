"""The curation guide states the rules the code applies, with examples that are in the data."""

from __future__ import annotations

import re

import alliance_data
from alliance_data.codebook.hedging import HEDGE_CUES
from conftest import ROOT

GUIDE = (ROOT / "docs" / "curation.md").read_text(encoding="utf-8")


def test_the_cue_table_in_the_guide_is_the_one_in_the_code():
    rows = dict(re.findall(r"^\| (likely|possible|speculative) \| (.*) \|$", GUIDE, re.M))
    documented = {cue.strip(): level for level, cues in rows.items() for cue in cues.split(",")}
    assert documented == {cue: level.value for cue, level in HEDGE_CUES.items()}


def test_the_recorded_exceptions_are_exactly_the_hedge_notes():
    claims = alliance_data.load("claims")
    with_note = set(claims.loc[claims.hedge_note.notna(), "claim_id"])
    section = GUIDE.split("The recorded exceptions are:")[1].split("To change the rule")[0]
    assert set(re.findall(r"`(irda-s\d-\d{3})`", section)) == with_note


def test_certainty_examples_are_real_claims():
    claims = alliance_data.load("claims")
    examples = re.findall(r'^- `(asserted|likely|possible|speculative)`: "(.+?)(?: …)?" \(', GUIDE, re.M)
    assert len(examples) == 4
    for level, quote in examples:
        matching = claims[claims.quote.str.startswith(quote)]
        assert not matching.empty, quote
        assert set(matching.certainty) == {level}, quote


def test_every_table_rule_is_documented_in_the_error_guide():
    from alliance_data.rules import RULES

    errors = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"`{rule.check}`" in errors, rule.check
