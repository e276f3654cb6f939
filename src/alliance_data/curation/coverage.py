"""Coverage of the sources by claims, sentence by sentence.

A sentence is a maximal run of text inside a section's body that ends with '.', '!' or '?'
followed by whitespace or the end of the section (the article has no abbreviations with
periods, so this simple rule splits it correctly; a new source may need a better one).
Headings, and the title and byline before the first section, are units of their own and
excluded automatically. A sentence is covered when at least one claim's quote overlaps it;
otherwise it must be listed in data/coverage_exclusions.yaml with a reason.

Links are not required: a claim may stand alone, and the report lists the claims in no link.
Every candidate link signal of a section body (signals.py) must be decided in
data/link_signals.yaml; the report lists those never decided.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..problems import ProblemList
from .authoring import read_records

EXCLUSIONS_FILE = "coverage_exclusions.yaml"
REASONS = ("greeting", "rhetorical_question", "filler", "signpost")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Sentence:
    source_id: str
    section_id: str
    char_start: int
    char_end: int
    text: str
    status: str  # covered, excluded or uncovered
    reason: str | None
    claims: tuple[str, ...]


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, position = [], start
    for match in _SENTENCE_END.finditer(text, start, end):
        spans.append((position, match.start()))
        position = match.end()
    if position < end:
        spans.append((position, end))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def read_exclusions(data_dir: Path, problems: ProblemList) -> dict[tuple[str, str], str]:
    path = Path(data_dir) / EXCLUSIONS_FILE
    exclusions = {}
    for record in read_records(path, problems, str(path), root=Path(data_dir)):
        data = record.data
        if data.get("reason") not in REASONS or not data.get("sentence") or not data.get("source_id"):
            problems.add(
                str(path),
                "an exclusion needs source_id, the exact sentence and a reason",
                f"reason is one of: {', '.join(REASONS)}",
                line=record.line,
                check="exclusion_incomplete",
            )
            continue
        exclusions[(data["source_id"], data["sentence"])] = data["reason"]
    return exclusions


def _rows(dataset, table: str, *columns: str) -> list[dict[str, Any]]:
    """The named columns of a table of the dataset as one dict per row."""
    return dataset.table(table).select(list(columns)).to_pylist()


def _sections(dataset) -> list[dict[str, Any]]:
    """The sections in reading order."""
    return sorted(dataset.table("sections").to_pylist(), key=lambda s: (s["source_id"], s["ordinal"]))


def sentences(dataset, exclusions: dict[tuple[str, str], str]) -> list[Sentence]:
    claims = _rows(dataset, "claims", "claim_id", "source_id", "char_start", "char_end")
    out = []
    for section in _sections(dataset):
        text = dataset.texts[section["source_id"]]
        units = []
        if section["heading"]:
            units.append((section["char_start"], section["char_start"] + len(section["heading"]), "heading"))
        units += [(a, b, None) for a, b in split_sentences(text, section["body_start"], section["char_end"])]
        for start, end, auto_reason in units:
            covering = tuple(
                c["claim_id"]
                for c in claims
                if c["source_id"] == section["source_id"] and c["char_start"] < end and c["char_end"] > start
            )
            reason = auto_reason or exclusions.get((section["source_id"], text[start:end]))
            status = "covered" if covering else ("excluded" if reason else "uncovered")
            out.append(
                Sentence(
                    section["source_id"], section["section_id"], start, end, text[start:end], status, reason, covering
                )
            )
    return out


def stale_exclusions(units: list[Sentence], exclusions: dict[tuple[str, str], str]) -> list[str]:
    """Exclusions that match no sentence, or a sentence a claim now covers."""
    by_text = {(u.source_id, u.text): u for u in units}
    stale = []
    for source_id, text in exclusions:
        unit = by_text.get((source_id, text))
        if unit is None:
            stale.append(f"{text!r} is not a sentence of {source_id}")
        elif unit.status == "covered":
            stale.append(f"{text!r} is covered by {', '.join(unit.claims)}; remove its exclusion")
    return stale


def unlinked_claims(dataset) -> list[dict[str, str]]:
    """Claims that take part in no link at all (allowed: links exist where the text has them)."""
    links = dataset.table("claim_links")
    linked = set(links["from_claim"].to_pylist()) | set(links["to_claim"].to_pylist())
    return [
        {"claim_id": claim["claim_id"], "kind": claim["kind"], "reason": "no link in claim_links"}
        for claim in sorted(_rows(dataset, "claims", "claim_id", "kind"), key=lambda c: c["claim_id"])
        if claim["claim_id"] not in linked
    ]


def undecided_signals(dataset) -> list[dict[str, Any]]:
    """Candidate link signals in section bodies that no entry of link_signals overlaps."""
    from .signals import candidates

    decided: dict[str, list[tuple[int, int]]] = {}
    for row in _rows(dataset, "link_signals", "source_id", "signal_start", "signal_end"):
        decided.setdefault(row["source_id"], []).append((row["signal_start"], row["signal_end"]))
    out = []
    for section in _sections(dataset):
        text = dataset.texts.get(section["source_id"])
        if text is None:
            continue
        spans = decided.get(section["source_id"], [])
        for start, end, words in candidates(text, section["body_start"], section["char_end"]):
            if not any(a < end and start < b for a, b in spans):
                out.append(
                    {
                        "source_id": section["source_id"],
                        "section_id": section["section_id"],
                        "signal_start": start,
                        "signal_end": end,
                        "signal_quote": words,
                    }
                )
    return out


def summary(units: list[Sentence]) -> list[dict[str, Any]]:
    rows = {}
    for unit in units:
        row = rows.setdefault(
            unit.section_id,
            {"section_id": unit.section_id, "sentences": 0, "covered": 0, "excluded": 0, "uncovered": 0},
        )
        row["sentences"] += 1
        row[unit.status] += 1
    return list(rows.values())


def as_json(units: list[Sentence], dataset) -> dict[str, Any]:
    return {
        "unlinked_claims": unlinked_claims(dataset),
        "undecided_signals": undecided_signals(dataset),
        "rule": __doc__.strip().splitlines()[2:6],
        "sections": summary(units),
        "uncovered": [asdict(u) for u in units if u.status == "uncovered"],
        "excluded": [asdict(u) for u in units if u.status == "excluded"],
    }
