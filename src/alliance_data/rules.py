"""Table-level validation with pandera: keys, foreign keys, spans, hedging and cross-table rules.

Each table gets a pandera schema derived from its columns (types, nullability,
enumerations, patterns, ranges, primary key) plus the rules below, which need other
tables or the source texts. All rules run lazily so every failure is reported at once;
each failure is turned into a Problem that names the file, line, record and field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pandera.pandas as pa

from .anchoring import anchor_problems
from .columns import Column
from .hedging import implied_certainty
from .problems import ProblemList
from .reading import Dataset
from .registry import TABLES, TABLES_BY_NAME, Table
from .reliability import CODED_FIELDS


@dataclass(frozen=True)
class Rule:
    """A check over a whole table: `passes` marks each row, `explain` says what is wrong with one."""

    name: str
    table: str
    field: str
    passes: Callable[[pd.DataFrame, Dataset], pd.Series]
    explain: Callable[[dict[str, Any], Dataset], str]
    fix: str


def _frame(dataset: Dataset, table: Table) -> pd.DataFrame:
    rows = dataset.rows.get(table.name, [])
    frame = pd.DataFrame(rows, columns=table.column_names)
    for column in table.columns:
        frame[column.name] = frame[column.name].astype("Int64" if column.dtype == "integer" else "object")
    return frame


def _column_checks(column: Column) -> list[pa.Check]:
    checks = []
    if column.enum:
        checks.append(pa.Check.isin(column.levels, name="enum", error="enum"))
    if column.pattern:
        checks.append(pa.Check.str_matches(column.pattern, name="pattern", error="pattern"))
    if column.min_length:
        checks.append(pa.Check.str_length(min_value=column.min_length, name="min_length", error="min_length"))
    if column.ge is not None:
        checks.append(pa.Check.ge(column.ge, name="ge", error="ge"))
    if column.le is not None:
        checks.append(pa.Check.le(column.le, name="le", error="le"))
    return checks


def table_schema(table: Table, dataset: Dataset | None = None) -> pa.DataFrameSchema:
    """The pandera schema of a table, derived from its model; with foreign keys and table
    rules when a dataset is given to resolve them against."""
    columns = {}
    for column in table.columns:
        checks = _column_checks(column)
        if dataset is not None:
            for key in table.foreign_keys:
                if key.column == column.name:
                    # Ids of parent records that failed their own checks count as known,
                    # so one bad record is reported once, not again by every child.
                    parents = {row[key.other_column] for row in dataset.rows.get(key.table, [])}
                    parents |= dataset.invalid_ids.get(key.table, set())
                    name = f"fk:{key.table}.{key.other_column}"
                    checks.append(pa.Check.isin(sorted(parents), name=name, error=name))
        dtype = "Int64" if column.dtype == "integer" else object
        columns[column.name] = pa.Column(dtype, checks, nullable=column.nullable, description=column.description)
    wide = []
    if dataset is not None:
        wide = [
            pa.Check(lambda frame, rule=rule: rule.passes(frame, dataset), name=f"rule:{rule.name}")
            for rule in RULES
            if rule.table == table.name
        ]
    return pa.DataFrameSchema(
        columns,
        checks=wide,
        unique=list(table.primary_key),
        strict=True,
        name=table.name,
        description=table.description,
    )


# ---------------------------------------------------------------------------------------
# Rules that need other tables or the source texts.


def _lookup(dataset: Dataset, table: str, key: str) -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in dataset.rows.get(table, [])}


def _rowwise(test: Callable[[dict[str, Any], Dataset], bool]) -> Callable[[pd.DataFrame, Dataset], pd.Series]:
    def passes(frame: pd.DataFrame, dataset: Dataset) -> pd.Series:
        records = frame.astype(object).where(frame.notna(), None).to_dict("records")
        return pd.Series([test(row, dataset) for row in records], index=frame.index, dtype=bool)

    return passes


def _anchor_issues(row: dict[str, Any], dataset: Dataset) -> list[tuple[str, str]]:
    text = dataset.texts.get(row["source_id"])
    if text is None:  # the source's own problem is reported already
        return []
    return anchor_problems(text, row["quote"], row["char_start"], row["char_end"], row["prefix"], row["suffix"])


def _section_of(row: dict[str, Any], dataset: Dataset) -> dict[str, Any] | None:
    return _lookup(dataset, "sections", "section_id").get(row["section_id"])


def _inside_section(row: dict[str, Any], dataset: Dataset) -> bool:
    section = _section_of(row, dataset)
    return section is None or section["body_start"] <= row["char_start"] < row["char_end"] <= section["char_end"]


def _certainty_follows_cues(row: dict[str, Any], dataset: Dataset) -> bool:
    implied = implied_certainty(row["quote"]).value
    return (row["certainty"] == implied) != bool(row["hedge_note"])


def _certainty_message(row: dict[str, Any], dataset: Dataset) -> str:
    implied = implied_certainty(row["quote"]).value
    if row["hedge_note"]:
        return f"hedge_note given but certainty '{row['certainty']}' already follows the cue table ('{implied}')"
    cues = row.get("hedge_cues") or "no cue"
    return f"certainty is '{row['certainty']}' but the quote's hedge cues ({cues}) give '{implied}'"


def _topic_kind_matches(row: dict[str, Any], dataset: Dataset) -> bool:
    topic = _lookup(dataset, "topics", "topic_id").get(row["topic_id"])
    return topic is None or topic["kind"] == row["kind"]


def _section_source(row: dict[str, Any], dataset: Dataset) -> bool:
    section = _section_of(row, dataset)
    return section is None or section["source_id"] == row["source_id"]


def _normalized(value: str) -> str:
    return " ".join(value.casefold().split()).strip(" .!?")


def _claims_with_holders(dataset: Dataset) -> set[str]:
    return {row["claim_id"] for row in dataset.rows.get("claim_actors", []) if row["role"] == "holder"}


def _section_span_ok(row: dict[str, Any], dataset: Dataset) -> bool:
    text = dataset.texts.get(row["source_id"])
    if text is None:
        return True
    heading_ok = (
        row["heading"] is None or text[row["char_start"] : row["char_start"] + len(row["heading"])] == row["heading"]
    )
    bounds_ok = 0 <= row["char_start"] <= row["body_start"] < row["char_end"] <= len(text)
    return heading_ok and bounds_ok


def _decisions(dataset: Dataset) -> dict[tuple[str, str], dict[str, Any]]:
    return {(row["claim_id"], row["field"]): row for row in dataset.rows.get("coding_decisions", [])}


def _undecided_disagreements(row: dict[str, Any], dataset: Dataset) -> list[str]:
    claim = _lookup(dataset, "claims", "claim_id").get(row["claim_id"])
    if claim is None:
        return []
    decisions = _decisions(dataset)
    missing = []
    for field in CODED_FIELDS:
        decision = decisions.get((row["claim_id"], field))
        if decision is None and row[field] != claim[field]:
            missing.append(f"{field} ('{claim[field]}' in the claim, '{row[field]}' by the second coder)")
    return missing


def _decision_issues(row: dict[str, Any], dataset: Dataset) -> list[str]:
    claim = _lookup(dataset, "claims", "claim_id").get(row["claim_id"])
    second = _lookup(dataset, "second_coding", "claim_id").get(row["claim_id"])
    issues = []
    if claim is not None and row["resolved"] != claim[row["field"]]:
        issues.append(f"resolved is '{row['resolved']}' but the claim has '{claim[row['field']]}'")
    if second is not None and row["second_coder"] != second[row["field"]]:
        issues.append(f"second_coder is '{row['second_coder']}' but second_coding has '{second[row['field']]}'")
    if row["first_coder"] == row["second_coder"] == row["resolved"]:
        issues.append("the coders agree and the value was kept, so there is nothing to decide")
    return issues


# What each kind must be linked to, where the text supports it (else data/unlinked_claims.yaml).
LINK_REQUIREMENTS = {
    "driver": "a link from it to an area, implication or outlook claim it drives",
    "risk": "a poses_risk_to link from it to what it endangers",
    "outlook": "a drives or implies link to it from what it follows from",
}


def _meets_link_requirement(row: dict[str, Any], dataset: Dataset) -> bool:
    if row["kind"] not in LINK_REQUIREMENTS or row["claim_id"] in dataset.unlinked:
        return True
    kinds = {claim["claim_id"]: claim["kind"] for claim in dataset.rows.get("claims", [])}
    links = dataset.rows.get("claim_links", [])
    claim_id = row["claim_id"]
    if row["kind"] == "driver":
        return any(
            link["from_claim"] == claim_id and kinds.get(link["to_claim"]) in ("area", "implication", "outlook")
            for link in links
        )
    if row["kind"] == "risk":
        return any(link["from_claim"] == claim_id and link["relation"] == "poses_risk_to" for link in links)
    return any(link["to_claim"] == claim_id and link["relation"] in ("drives", "implies") for link in links)


RULES: tuple[Rule, ...] = (
    Rule(
        "quote_at_offsets",
        "claims",
        "quote",
        _rowwise(lambda row, ds: not _anchor_issues(row, ds)),
        lambda row, ds: "; ".join(message for _, message in _anchor_issues(row, ds)),
        "copy the quote from the source text and recompute its anchor with `alliance-data anchor`",
    ),
    Rule(
        "span_inside_section",
        "claims",
        "char_start",
        _rowwise(_inside_section),
        lambda row, ds: (
            f"span {row['char_start']}..{row['char_end']} is not inside the body of section {row['section_id']} "
            f"({(_section_of(row, ds) or {}).get('body_start')}..{(_section_of(row, ds) or {}).get('char_end')})"
        ),
        "give the section that holds the quote, or shorten the quote so it stays in one section",
    ),
    Rule(
        "section_source_matches",
        "claims",
        "section_id",
        _rowwise(_section_source),
        lambda row, ds: (
            f"section {row['section_id']} belongs to source "
            f"{(_section_of(row, ds) or {}).get('source_id')}, not {row['source_id']}"
        ),
        "make source_id the source of the section",
    ),
    Rule(
        "claim_id_in_section",
        "claims",
        "claim_id",
        _rowwise(lambda row, ds: row["claim_id"].startswith(row["section_id"] + "-")),
        lambda row, ds: f"claim id {row['claim_id']} does not start with its section id {row['section_id']}-",
        "number the claim within its section: <section_id>-NNN, using the next unused number",
    ),
    Rule(
        "topic_kind_matches",
        "claims",
        "topic_id",
        _rowwise(_topic_kind_matches),
        lambda row, ds: (
            f"topic {row['topic_id']} is of kind "
            f"'{_lookup(ds, 'topics', 'topic_id')[row['topic_id']]['kind']}', the claim of kind '{row['kind']}'"
        ),
        "choose a topic of the claim's kind (see data/topics.yaml), or correct the kind",
    ),
    Rule(
        "certainty_follows_hedge_cues",
        "claims",
        "certainty",
        _rowwise(_certainty_follows_cues),
        _certainty_message,
        "set certainty to what the cue table gives, or keep it and explain in hedge_note why the cue is not a "
        "hedge there (a hedge_note is only for such departures)",
    ),
    Rule(
        "statement_in_own_words",
        "claims",
        "statement",
        _rowwise(lambda row, ds: _normalized(row["statement"]) != _normalized(row["quote"])),
        lambda row, ds: "statement repeats the quote",
        "restate the claim in our own words as a self-contained sentence",
    ),
    Rule(
        "attribution_consistent",
        "claims",
        "attribution",
        lambda frame, ds: (frame["attribution"] == "attributed") == frame["claim_id"].isin(_claims_with_holders(ds)),
        lambda row, ds: (
            f"attribution is '{row['attribution']}' but the claim "
            f"{'has' if row['claim_id'] in _claims_with_holders(ds) else 'has no'} actor with role 'holder'"
        ),
        "give the actors who hold an attributed view the role 'holder', and only in claims with attribution "
        "'attributed'",
    ),
    Rule(
        "period_only_for_history",
        "claims",
        "period_start",
        _rowwise(
            lambda row, ds: (
                row["time_frame"] == "historical"
                or (row["period_start"] is None and row["period_end"] is None and row["period_label"] is None)
            )
        ),
        lambda row, ds: f"a {row['time_frame']} claim has a period",
        "give period_start, period_end and period_label only for historical claims",
    ),
    Rule(
        "period_in_order",
        "claims",
        "period_end",
        _rowwise(
            lambda row, ds: (
                row["period_start"] is None or row["period_end"] is None or row["period_start"] <= row["period_end"]
            )
        ),
        lambda row, ds: f"period_start {row['period_start']} is after period_end {row['period_end']}",
        "swap or correct the years",
    ),
    Rule(
        "id_not_retired",
        "claims",
        "claim_id",
        lambda frame, ds: ~frame["claim_id"].isin(set(ds.retired_ids)),
        lambda row, ds: (
            f"claim id {row['claim_id']} was retired ({ds.retired_ids[row['claim_id']]}) and is never reused"
        ),
        "use the next unused number in the section",
    ),
    Rule(
        "section_span_valid",
        "sections",
        "char_start",
        _rowwise(_section_span_ok),
        lambda row, ds: (
            f"section span {row['char_start']}..{row['body_start']}..{row['char_end']} "
            "is out of order, outside the text, or does not start with the heading"
        ),
        "set char_start at the heading, body_start at the first body character, char_end after the last",
    ),
    Rule(
        "section_id_scheme",
        "sections",
        "section_id",
        _rowwise(lambda row, ds: row["section_id"] == f"{row['source_id']}-s{row['ordinal']}"),
        lambda row, ds: f"section id should be {row['source_id']}-s{row['ordinal']}",
        "name sections <source_id>-s<ordinal>",
    ),
    Rule(
        "state_has_iso3",
        "actors",
        "iso3",
        _rowwise(
            lambda row, ds: (
                (row["actor_type"] == "state") == (row["iso3"] is not None)
                and (row["iso3"] is None or row["iso3"] == row["actor_id"])
            )
        ),
        lambda row, ds: "a state takes its ISO 3166-1 alpha-3 code as iso3 and actor_id; other actors have none",
        "set iso3 (and actor_id) to the state's alpha-3 code, or null for non-states",
    ),
    Rule(
        "claim_second_coded",
        "claims",
        "claim_id",
        lambda frame, ds: frame["claim_id"].isin(_lookup(ds, "second_coding", "claim_id")),
        lambda row, ds: "the claim has no independent second coding",
        "have a second coder code kind, topic_id and certainty blind (see docs/curation.md) and add the entry "
        "to data/second_coding.yaml",
    ),
    Rule(
        "disagreements_resolved",
        "second_coding",
        "claim_id",
        _rowwise(lambda row, ds: not _undecided_disagreements(row, ds)),
        lambda row, ds: "coders disagree on " + "; ".join(_undecided_disagreements(row, ds)) + " with no decision",
        "add the resolution with its reason to data/coding_decisions.yaml",
    ),
    Rule(
        "decision_consistent",
        "coding_decisions",
        "resolved",
        _rowwise(lambda row, ds: not _decision_issues(row, ds)),
        lambda row, ds: "; ".join(_decision_issues(row, ds)),
        "make the decision match the claim (resolved) and data/second_coding.yaml (second_coder)",
    ),
    Rule(
        "claim_linked_as_its_kind_requires",
        "claims",
        "kind",
        _rowwise(_meets_link_requirement),
        lambda row, ds: f"a {row['kind']} claim needs {LINK_REQUIREMENTS[row['kind']]}",
        "add the link to data/claim_links.yaml, or list the claim in data/unlinked_claims.yaml with the reason",
    ),
    Rule(
        "link_not_to_itself",
        "claim_links",
        "to_claim",
        _rowwise(lambda row, ds: row["from_claim"] != row["to_claim"]),
        lambda row, ds: "a claim links to itself",
        "link two different claims",
    ),
)

_RULES_BY_CHECK = {f"rule:{rule.name}": rule for rule in RULES}


def _column_fix(check: str, column: Column | None, table: Table) -> str:
    if check.startswith("fk:"):
        return f"use an existing {check[3:]} (or add it to its table first)"
    if check == "multiple_fields_uniqueness":
        return f"make ({', '.join(table.primary_key)}) unique: ids are never shared or reused"
    if column is None:
        return "see the codebook"
    if check == "enum":
        return f"use one of: {', '.join(column.levels)}"
    if check == "pattern":
        return f"write a value matching {column.pattern}"
    return f"see the codebook: {column.description}"


def check_tables(dataset: Dataset, problems: ProblemList) -> None:
    """Run every table's schema and rules; add a Problem for each failure."""
    for table in TABLES:
        frame = _frame(dataset, table)
        try:
            table_schema(table, dataset).validate(frame, lazy=True)
        except pa.errors.SchemaErrors as errors:
            _report(errors.failure_cases, table, frame, dataset, problems)


def _report(failures: pd.DataFrame, table: Table, frame: pd.DataFrame, dataset: Dataset, problems: ProblemList) -> None:
    origins = dataset.origins.get(table.name, [])
    by_name = {column.name: column for column in table.columns}
    seen = set()
    for failure in failures.to_dict("records"):
        index, check = failure["index"], str(failure["check"])
        rule = _RULES_BY_CHECK.get(check)
        if rule is not None and (index, check) in seen:
            continue  # a wide check reports each failing row once per column
        seen.add((index, check))
        origin = origins[int(index)] if index is not None and pd.notna(index) and int(index) < len(origins) else None
        field = rule.field if rule else (failure["column"] if failure["column"] in by_name else None)
        if rule:
            row = frame.loc[int(index)].astype(object).where(frame.loc[int(index)].notna(), None).to_dict()
            message, fix = rule.explain(row, dataset), rule.fix
        elif check == "multiple_fields_uniqueness":
            key = ", ".join(f"{k}={frame.loc[int(index), k]}" for k in table.primary_key)
            message, fix = f"duplicate key in {table.name}: {key}", _column_fix(check, None, table)
        elif check.startswith("fk:"):
            message = f"{failure['failure_case']!r} is not a known {check[3:]}"
            fix = _column_fix(check, by_name.get(field), table)
        else:
            message = f"{check} check failed for value {failure['failure_case']!r}"
            fix = _column_fix(check, by_name.get(field), table)
        problems.add(
            origin.file if origin else table.name,
            message,
            fix,
            line=origin.line_of(field) if origin else None,
            record_id=origin.record_id if origin else None,
            field=field,
        )


__all__ = ["RULES", "TABLES_BY_NAME", "check_tables", "table_schema"]
