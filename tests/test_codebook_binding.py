"""The codebook binds: an explicit link's signal marks the relation the codebook lists it for
(`signal_follows_codebook`), stands near the claims it joins (`signal_near_claims`), and a
recorded coding decision is the only way past either rule. Every primary key holds: no key
column may be null in its model."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from alliance_data.codebook.registry import CHECKED_TABLES, nullable_key_columns
from alliance_data.codebook.vocabulary import LinkRelation
from alliance_data.curation.signals import binding_relations
from alliance_data.curation.validate import validate
from alliance_data.problems import ValidationFailed

ROOT = Path(__file__).resolve().parents[1]
TEXT = (ROOT / "data" / "sources" / "irda.txt").read_text(encoding="utf-8")
BINDING, NEAR = "signal_follows_codebook", "signal_near_claims"
# What a copy leaves unchanged is read and checked once in the session (tests/conftest.py): each
# test edits a record or two and checks what validation says about them.
pytestmark = pytest.mark.usefixtures("unchanged_parts_checked_once")


def problems_of(data_dir: Path) -> list:
    """Every problem validation finds (none when the data is valid)."""
    try:
        validate(data_dir)
    except ValidationFailed as error:
        return error.problems
    return []


def checked(problems: list, check: str) -> list[str]:
    return [f"{p.record_id}: {p.message}" for p in problems if p.check == check]


def links(data_dir: Path) -> list[dict]:
    return yaml.safe_load((data_dir / "claim_links.yaml").read_text(encoding="utf-8"))


def write_links(data_dir: Path, rows: list[dict]) -> None:
    text = yaml.safe_dump(rows, sort_keys=False, allow_unicode=True, width=110)
    (data_dir / "claim_links.yaml").write_text(text, encoding="utf-8")


def the_link(rows: list[dict], from_claim: str, to_claim: str) -> dict:
    (found,) = [row for row in rows if row["from_claim"] == from_claim and row["to_claim"] == to_claim]
    return found


def test_the_curated_links_follow_the_codebook():
    validate(ROOT / "data")  # raises on any problem, these rules among them


def test_a_signal_listed_for_another_relation_is_refused(data_copy):
    rows = links(data_copy)
    the_link(rows, "irda-s4-028", "irda-s4-032")["relation"] = "drives"  # 'This could lead to': implies
    write_links(data_copy, rows)
    found = checked(problems_of(data_copy), BINDING)
    assert len(found) == 1, found
    assert "'This could lead to' is the codebook's signal of implies" in found[0] and "not of drives" in found[0]


def test_a_noun_phrase_is_no_signal(data_copy):
    rows = links(data_copy)
    link = the_link(rows, "irda-s4-006", "irda-s4-007")  # implicit: 'this perceived dominance' is an anaphor
    start = TEXT.index("this perceived dominance")
    link.update(basis="explicit", signal_quote="this perceived dominance", signal_start=start, signal_end=start + 24)
    write_links(data_copy, rows)
    found = checked(problems_of(data_copy), BINDING)
    assert len(found) == 1 and "contains no signal the codebook lists for any relation" in found[0], found


def test_a_recorded_decision_lets_a_departing_signal_stand(data_copy):
    rows = links(data_copy)
    the_link(rows, "irda-s4-028", "irda-s4-032")["relation"] = "drives"
    write_links(data_copy, rows)
    decision = {
        "decision_id": "decision-9999",
        "claim_id": "irda-s4-028",
        "field": "signal",
        "other_claim": "irda-s4-032",
        "raised_by": "critical_reading",
        "first_coder": "implies, explicit",
        "second_coder": "drives, explicit",
        "resolved": "drives, explicit",
        "reason": "A decision made up for a test: the signal marks a cause here.",
    }
    with open(data_copy / "coding_decisions.yaml", "a", encoding="utf-8") as handle:
        handle.write(yaml.safe_dump([decision], sort_keys=False, allow_unicode=True))
    assert checked(problems_of(data_copy), BINDING) == []


def test_a_distant_signal_is_refused(data_copy):
    rows = links(data_copy)
    link = the_link(rows, "irda-s1-008", "irda-s1-007")  # 'influenced by', inside the two claims
    start = TEXT.index("driven by a shared pragmatic interest")  # a listed drives signal, 11,000 characters on
    link.update(signal_quote="driven by", signal_start=start, signal_end=start + len("driven by"))
    write_links(data_copy, rows)
    found = checked(problems_of(data_copy), NEAR)
    assert len(found) == 1 and "lies more than 60 characters outside the two claims" in found[0], found


def test_the_published_v2_links_are_refused():
    """The links of release 2.0.0 break the binding table: the rule exists because of them."""
    with open(ROOT / "releases" / "v2.0.0" / "claim_links.csv", encoding="utf-8", newline="") as handle:
        published = [row for row in csv.DictReader(handle) if row["basis"] == "explicit"]
    refused = [row for row in published if row["relation"] not in binding_relations(row["signal_quote"])[0]]
    drives = [row for row in refused if row["relation"] == "drives"]
    assert len(published) == 124
    assert len(refused) >= 30 and len(drives) >= 20, (len(refused), len(drives))


def test_the_published_v2_links_are_refused_by_the_rule(data_copy):
    """The same, by the rule itself, on the links as published (other problems aside)."""
    with open(ROOT / "releases" / "v2.0.0" / "claim_links.csv", encoding="utf-8", newline="") as handle:
        published = list(csv.DictReader(handle))
    rows = []
    for row in published:
        record = {key: value for key, value in row.items() if value != ""}
        for key in ("signal_start", "signal_end"):
            if key in record:
                record[key] = int(record[key])
        rows.append(record)
    write_links(data_copy, rows)
    assert len(checked(problems_of(data_copy), BINDING)) >= 30


@pytest.mark.parametrize("relation", list(LinkRelation))
def test_each_relation_has_signals_of_its_own(relation):
    """Every relation lists signals, and each listed signal binds to its own relation."""
    assert relation.signals
    for signal in relation.signals:
        example = signal.replace("…", "their own ties")
        relations, _ = binding_relations(example)
        assert relation.value in relations, (signal, relations)


@pytest.mark.parametrize("table", CHECKED_TABLES, ids=lambda table: table.name)
def test_no_primary_key_column_is_nullable(table):
    """SQL engines refuse a primary key with a nullable column: every key column is required."""
    assert nullable_key_columns(table) == []


def test_a_nullable_key_column_is_found():
    from alliance_data.codebook.models import CodingDecision
    from alliance_data.codebook.registry import Table

    loose = Table("probe", CodingDecision, ("claim_id", "field", "other_claim"))
    assert nullable_key_columns(loose) == ["other_claim"]


@pytest.mark.spark
def test_both_engines_refuse_the_same_published_links():
    """The binding and distance rules give the same rows in DuckDB and in Spark SQL on the links
    of release 2.0.0 (refused) and on the curated links (accepted)."""
    import duckdb
    import pandas as pd

    from alliance_data.distributed.session import local_session
    from alliance_data.distributed.validate import spark_sql
    from alliance_data.rules import RULES
    from alliance_data.rules.inputs import vocabulary_tables

    rules = [rule for rule in RULES if rule.check in (BINDING, NEAR)]
    claims = pd.concat(
        pd.DataFrame(yaml.safe_load(path.read_text(encoding="utf-8")))[["claim_id", "char_start", "char_end"]]
        for path in sorted((ROOT / "data" / "claims").glob("*.yaml"))
    )
    decisions = pd.DataFrame(yaml.safe_load((ROOT / "data" / "coding_decisions.yaml").read_text(encoding="utf-8")))
    decisions = decisions[["claim_id", "field", "other_claim", "resolved"]]
    with open(ROOT / "releases" / "v2.0.0" / "claim_links.csv", encoding="utf-8", newline="") as handle:
        published = pd.DataFrame(list(csv.DictReader(handle)))
    curated = pd.DataFrame(links(ROOT / "data"))
    signals = vocabulary_tables()["relation_signals"].to_pandas()
    session = local_session(cores=1, shuffle_partitions=1, driver_memory="512m")
    try:
        for frame, refused in ((published, True), (curated, False)):
            columns = ["from_claim", "to_claim", "relation", "basis", "signal_quote", "signal_start", "signal_end"]
            frame = frame.reindex(columns=columns).replace("", None)
            frame = frame.assign(
                _row=range(len(frame)),
                signal_start=pd.to_numeric(frame["signal_start"]).astype("Int64"),
                signal_end=pd.to_numeric(frame["signal_end"]).astype("Int64"),
            )
            tables = {
                "claim_links": frame,
                "claims": claims,
                "coding_decisions": decisions,
                "relation_signals": signals,
            }
            with duckdb.connect() as connection:
                for name, table in tables.items():
                    connection.register(name, table)
                on_duckdb = {
                    rule.check: sorted(row[0] for row in connection.sql(rule.query).fetchall()) for rule in rules
                }
            for name, table in tables.items():
                session.createDataFrame(table.astype(object).where(table.notna(), None)).createOrReplaceTempView(name)
            on_spark = {
                rule.check: sorted(row[0] for row in session.sql(spark_sql(rule.query)).collect()) for rule in rules
            }
            assert on_spark == on_duckdb
            assert (len(on_duckdb[BINDING]) >= 30) is refused, on_duckdb
    finally:
        session.stop()
