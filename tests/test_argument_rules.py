"""The argument layer's rules: link bases and their anchored signals, the list of decided
signals, certainty decided by the cues in the quote and the cues governing it, actors in
their years, and claims that stand without links."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from alliance_data.curation.derive import booster_cues
from alliance_data.curation.validate import validate
from alliance_data.problems import ValidationFailed
from conftest import replace_in

# What a copy leaves unchanged is read and column-checked once in the session: each test edits
# a record or two and checks what validation says about them.
pytestmark = pytest.mark.usefixtures("unchanged_parts_checked_once")

TEXT = (Path(__file__).resolve().parents[1] / "data" / "sources" / "irda.txt").read_text(encoding="utf-8")


def problems_of(data_dir: Path) -> list:
    with pytest.raises(ValidationFailed) as error:
        validate(data_dir)
    return error.value.problems


def messages(problems: list, field: str) -> list[str]:
    return [p.message for p in problems if p.field == field]


def append(path: Path, records: list[dict]) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(yaml.safe_dump(records, sort_keys=False, allow_unicode=True))


def link(**fields) -> dict:
    base = {"from_claim": "irda-s3-004", "to_claim": "irda-s3-017", "relation": "contradicts"}
    return {**base, **fields, "justification": fields.get("justification", "A link made up for a test.")}


def test_an_explicit_link_needs_its_signal_and_only_it_has_one(data_copy):
    start = TEXT.index("Military and Defense Cooperation")
    append(data_copy / "claim_links.yaml", [link(basis="explicit")])
    append(
        data_copy / "claim_links.yaml",
        [
            link(
                to_claim="irda-s3-029",
                basis="inferred",
                signal_quote="Military",
                signal_start=start,
                signal_end=start + len("Military"),
            )
        ],
    )
    found = messages(problems_of(data_copy), "signal_quote")
    assert any("explicit link needs signal_quote" in m for m in found), found
    assert any("basis 'inferred' has no signal" in m for m in found), found


def test_a_signal_must_be_the_text_at_its_offsets(data_copy):
    start = TEXT.index("This has led to")
    wrong = link(basis="explicit", signal_quote="This has led to", signal_start=start + 1, signal_end=start + 16)
    append(data_copy / "claim_links.yaml", [wrong])
    found = messages(problems_of(data_copy), "signal_start")
    assert any(m.startswith("signal: quote is not the text at") and f"occurs at {start}.." in m for m in found), found


def test_an_explicit_signal_must_be_decided_as_a_link_and_vice_versa(data_copy):
    start = TEXT.index("Military and Defense Cooperation")
    signal = {"signal_quote": "Military", "signal_start": start, "signal_end": start + len("Military")}
    append(data_copy / "claim_links.yaml", [link(basis="explicit", **signal)])
    problems = problems_of(data_copy)
    assert any("is not listed as a link in link_signals" in m for m in messages(problems, "basis"))
    append(
        data_copy / "link_signals.yaml",
        [{"source_id": "irda", **signal, "decision": "no_link", "reason": "A decision made up for a test."}],
    )
    found = messages(problems_of(data_copy), "decision")
    assert any("decided as no link, but an explicit link" in m for m in found), found


def test_a_decided_signal_must_be_the_text_at_its_offsets(data_copy):
    start = TEXT.index("For instance")
    entry = {"source_id": "irda", "signal_quote": "For instance", "signal_start": start + 2, "signal_end": start + 14}
    path = data_copy / "link_signals.yaml"
    rows = [row for row in yaml.safe_load(path.read_text(encoding="utf-8")) if row["signal_start"] != start]
    rows.append({**entry, "decision": "no_link", "reason": "A decision made up for a test."})
    path.write_text(yaml.safe_dump(rows, sort_keys=False, allow_unicode=True), encoding="utf-8")
    found = messages(problems_of(data_copy), "signal_quote")
    assert any("quote is not the text at" in m for m in found), found


def _governing(data_copy: Path) -> list[dict]:
    return yaml.safe_load((data_copy / "certainty_cues.yaml").read_text(encoding="utf-8"))


def _write_governing(data_copy: Path, rows: list[dict]) -> None:
    text = yaml.safe_dump(rows, sort_keys=False, allow_unicode=True) if rows else "[]\n"
    (data_copy / "certainty_cues.yaml").write_text(text, encoding="utf-8")


def test_a_governing_cue_decides_the_certainty_of_the_clauses_it_scopes_over(data_copy):
    # 'This includes exploring new payment systems' is likely only by the 'Expect to see' before it.
    rows = _governing(data_copy)
    assert any(row["claim_id"] == "irda-s5-007" and row["cue"] == "expect" for row in rows)
    _write_governing(data_copy, [row for row in rows if row["claim_id"] != "irda-s5-007"])
    problems = problems_of(data_copy)
    assert [p.record_id for p in problems] == ["irda-s5-007"]
    assert "give 'asserted'" in problems[0].message and problems[0].field == "certainty"


def test_a_governing_cue_is_anchored_outside_the_quote_with_a_reason(data_copy):
    rows = _governing(data_copy)
    row = next(row for row in rows if row["claim_id"] == "irda-s5-007")
    quote_start = TEXT.index("This includes exploring new payment systems")
    moved = {**row, "char_start": row["char_start"] + 1, "char_end": row["char_end"] + 1}
    inside = {**row, "claim_id": "irda-s5-005", "char_start": row["char_start"], "char_end": row["char_end"]}
    no_reason = {**row, "claim_id": "irda-s5-007", "char_start": quote_start, "char_end": quote_start + 4}
    _write_governing(data_copy, [moved, inside, {**no_reason, "reason": None, "cue": "this"}])
    found = messages(problems_of(data_copy), "cue")
    assert any("is 'xpect ', not the cue" in m for m in found), found
    assert any("stands inside the claim's quote" in m for m in found), found
    assert any("'this' is not a cue" in m and "needs the reason" in m for m in found), found


def test_cues_in_quotes_are_derived_with_their_offsets():
    dataset = validate(Path(__file__).resolve().parents[1] / "data")
    cues = dataset.table("certainty_cues").to_pylist()
    start = TEXT.index("Expect to see more joint ventures")
    in_quote = [row for row in cues if row["claim_id"] == "irda-s5-004"]
    assert in_quote == [
        {
            "claim_id": "irda-s5-004",
            "cue": "expect",
            "char_start": start,
            "char_end": start + 6,
            "scope": "quote",
            "effect": "likely",
            "reason": None,
        }
    ]
    governing = [row for row in cues if row["claim_id"] == "irda-s5-007"]
    assert [(row["cue"], row["char_start"], row["scope"]) for row in governing] == [("expect", start, "governing")]


def test_boosters_are_recorded_and_do_not_change_certainty():
    assert booster_cues("There will undoubtedly be challenges") == "undoubtedly"
    assert booster_cues("it’s pretty clear that this is definitely so") == "pretty clear; definitely"
    assert booster_cues("a clear signal") is None
    dataset = validate(Path(__file__).resolve().parents[1] / "data")
    claims = {row["claim_id"]: row for row in dataset.table("claims").to_pylist()}
    assert claims["irda-s5-001"]["booster_cues"] == "pretty clear"
    assert claims["irda-s5-001"]["certainty"] == "likely"  # 'set to', whatever the booster


def test_an_actor_must_exist_in_the_first_year_of_the_period(data_copy):
    replace_in(data_copy / "claims" / "irda-s1.yaml", "  period_start: 1991\n", "  period_start: 1979\n")
    problems = problems_of(data_copy)
    assert any(
        p.field == "actor_id" and p.record_id == "irda-s1-013" and "RUS exists from 1991" in p.message for p in problems
    ), [str(p) for p in problems]


def test_a_claim_may_stand_without_links(data_copy):
    # A driver in no link at all was an error while every driver had to be linked.
    path = data_copy / "claim_links.yaml"
    links = yaml.safe_load(path.read_text(encoding="utf-8"))
    kept = [row for row in links if "irda-s2-009" not in (row["from_claim"], row["to_claim"])]
    assert len(kept) < len(links)
    path.write_text(yaml.safe_dump(kept, sort_keys=False, allow_unicode=True), encoding="utf-8")
    signals = data_copy / "link_signals.yaml"
    carried = {(row["signal_start"], row["signal_end"]) for row in kept if row["basis"] == "explicit"}
    rows = yaml.safe_load(signals.read_text(encoding="utf-8"))
    for row in rows:
        if row["decision"] == "link" and (row["signal_start"], row["signal_end"]) not in carried:
            row["decision"], row["reason"] = "no_link", "Its link was removed for a test."
    signals.write_text(yaml.safe_dump(rows, sort_keys=False, allow_unicode=True), encoding="utf-8")
    validate(data_copy)  # no problem


def test_a_link_decision_names_the_other_claim(data_copy):
    append(
        data_copy / "coding_decisions.yaml",
        [
            {
                "decision_id": "decision-9999",
                "claim_id": "irda-s3-004",
                "field": "link",
                "raised_by": "critical_reading",
                "first_coder": "drives (v1.0.0)",
                "second_coder": "drop",
                "resolved": "dropped",
                "reason": "A decision made up for a test.",
            }
        ],
    )
    found = messages(problems_of(data_copy), "resolved")
    assert any("other_claim names the other end of a link decision" in m for m in found), found


def test_coverage_reports_a_candidate_signal_never_decided(data_copy):
    import json

    from click.testing import CliRunner

    from alliance_data.cli import main
    from alliance_data.curation.signals import candidates

    start = TEXT.index("For instance")
    assert (start, start + len("For instance"), "For instance") in candidates(TEXT)
    path = data_copy / "link_signals.yaml"
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    kept = [row for row in rows if row["signal_start"] != start]
    assert len(kept) == len(rows) - 1
    path.write_text(yaml.safe_dump(kept, sort_keys=False, allow_unicode=True), encoding="utf-8")
    # The explicit link that carries it now has an undecided signal too: both are reported.
    links = data_copy / "claim_links.yaml"
    carried = [row for row in yaml.safe_load(links.read_text(encoding="utf-8")) if row.get("signal_start") != start]
    links.write_text(yaml.safe_dump(carried, sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(main, ["coverage", str(data_copy), "--json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.output[result.output.index("{") :])
    assert [row["signal_quote"] for row in report["undecided_signals"]] == ["For instance"]
