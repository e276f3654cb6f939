"""The blind re-reading's section of docs/reliability.md: its counts of decisions come from the
data, and every finding of the reading is settled by a recorded decision."""

from __future__ import annotations

from pathlib import Path

import yaml

from alliance_data.curation.reliability import (
    BLIND_READING,
    BLIND_READING_MARK,
    _blind_reading_lines,
    blind_reading_decisions,
    claims_in_no_link,
)

ROOT = Path(__file__).resolve().parents[1]
DECISIONS = yaml.safe_load((ROOT / "data" / "coding_decisions.yaml").read_text(encoding="utf-8"))
LINKS = yaml.safe_load((ROOT / "data" / "claim_links.yaml").read_text(encoding="utf-8"))
CLAIMS = [
    claim
    for path in sorted((ROOT / "data" / "claims").glob("*.yaml"))
    for claim in yaml.safe_load(path.read_text(encoding="utf-8"))
]
# Two of the missed signals the reader listed are the same pairs as two implicit links read as
# errors; one decision settles each.
MISSED_SETTLED_WITH_AN_ERROR = 2


def test_every_finding_of_the_reading_is_settled_by_a_decision():
    settled = blind_reading_decisions(DECISIONS)
    links = [d for d in settled if d["field"] == "link"]
    errors = BLIND_READING.implicit[1] - BLIND_READING.implicit[0]
    assert len(links) == errors + BLIND_READING.missed_signalled_links - MISSED_SETTLED_WITH_AN_ERROR
    assert len([d for d in settled if d["field"] != "link"]) == BLIND_READING.debatable_claims


def test_decisions_are_counted_from_the_data():
    decision = {
        "claim_id": "irda-s0-001",
        "field": "link",
        "other_claim": "irda-s0-002",
        "first_coder": "no link",
        "second_coder": "implies, explicit",
        "resolved": "no link",
        "reason": f"{BLIND_READING_MARK} The connective joins no two claims here.",
    }
    text = "\n".join(_blind_reading_lines(CLAIMS, LINKS, [decision]))
    assert "(1 decisions, counted from `coding_decisions`)" in text
    assert "0 recoded as the reader" in text and "\n1 proposed links declined" in text


def test_no_claim_the_reader_found_joined_by_a_connective_is_left_in_no_link():
    unlinked = set(claims_in_no_link(CLAIMS, LINKS))
    assert unlinked, "the reading found five claims in no link and joined by no connective"
    assert not unlinked & {"irda-s3-045", "irda-s3-056"}
