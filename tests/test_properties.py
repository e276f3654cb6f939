"""Property-based tests: any valid records round-trip through every format; any single invalid
mutation of the real record set is rejected with an error naming the mutated record."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_data.codebook.registry import CHECKED_TABLES, CURATION_LISTS, TABLES, TABLES_BY_NAME
from alliance_data.curation.reading import plain_table
from alliance_data.curation.validate import validate
from alliance_data.exports.arrow import in_key_order, key_order, typed_table
from alliance_data.exports.csv import plain, read_csv, write_csv
from alliance_data.exports.parquet import write_parquet
from alliance_data.exports.sqlite import write_sqlite
from alliance_data.problems import ValidationFailed
from conftest import DATA

# Any text a curator might write: every plane of Unicode except surrogates (and NUL, which the
# models refuse), with quotes,
# commas and newlines that stress CSV.
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=40)


def value_strategy(column):
    if column.enum:
        base = st.sampled_from(column.levels)
    elif column.dtype == "integer":
        base = st.integers(
            min_value=column.ge if column.ge is not None else -(2**40),
            max_value=column.le if column.le is not None else 2**40,
        )
    elif column.pattern:
        base = st.from_regex(column.pattern, fullmatch=True)
    else:
        base = (
            TEXT
            if not column.min_length
            else st.text(
                st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
                min_size=column.min_length,
                max_size=40,
            )
        )
    return st.one_of(st.none(), base) if column.nullable else base


def rows_strategy(table):
    row = st.fixed_dictionaries({column.name: value_strategy(column) for column in table.columns})
    return st.lists(row, max_size=8, unique_by=lambda r: tuple(r[k] for k in table.primary_key))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_valid_rows_round_trip_through_parquet_csv_and_sqlite(tmp_path_factory, data):
    import pyarrow.parquet as pq

    table = data.draw(st.sampled_from(TABLES), label="table")
    rows = data.draw(rows_strategy(table), label="rows")
    arrow = typed_table(table, plain_table(table, rows))
    directory = tmp_path_factory.mktemp("roundtrip")

    write_parquet(arrow, directory / "t.parquet")
    back = pq.read_table(directory / "t.parquet")
    assert back.equals(arrow, check_metadata=True)

    write_csv(arrow, directory / "t.csv")
    assert read_csv(directory / "t.csv", arrow.schema).equals(plain(arrow))

    # SQLite holds every table; fill only the drawn one (the load does not enforce foreign keys).
    write_sqlite(directory / "t.db", {table.name: arrow})
    db = sqlite3.connect(directory / "t.db")
    cursor = db.execute(f"select * from [{table.name}] order by rowid")
    names = [d[0] for d in cursor.description]
    assert [dict(zip(names, r, strict=True)) for r in cursor] == plain(arrow).to_pylist()


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_rows_are_put_in_key_order_and_left_alone_when_they_are(data):
    table = data.draw(st.sampled_from([t for t in TABLES if len(t.primary_key) > 1] + [TABLES_BY_NAME["claims"]]))
    rows = data.draw(rows_strategy(table), label="rows")
    if data.draw(st.booleans(), label="sorted first"):
        rows.sort(key=lambda row: tuple(row[k] for k in table.primary_key))
    arrow = plain_table(table, rows)
    keys = [tuple(row[k] for k in table.primary_key) for row in arrow.to_pylist()]
    expected = sorted(range(len(rows)), key=lambda i: keys[i])
    assert (key_order(table, arrow) is None) == (expected == list(range(len(rows))))
    assert in_key_order(table, arrow).to_pylist() == [arrow.to_pylist()[i] for i in expected]


# Single mutations of one claim record; each must be reported against that record.
MUTATIONS = {
    "bad enumeration": lambda r: r.update(kind="rumour"),
    "wrong type": lambda r: r.update(char_start=str(r["char_start"])),
    "missing field": lambda r: r.pop("statement"),
    "unknown field": lambda r: r.update(confidence="high"),
    "negative offset": lambda r: r.update(char_start=-1),
    "shifted span": lambda r: r.update(char_start=r["char_start"] + 1),
    "unknown topic": lambda r: r.update(topic_id="no-such-topic"),
    "topic of another kind": lambda r: r.update(topic_id="risk-overview" if r["kind"] != "risk" else "area-energy"),
    "stronger certainty": lambda r: (
        r.update(certainty="asserted", hedge_note=None)
        if r["certainty"] != "asserted"
        else r.update(certainty="speculative")
    ),
    "statement is the quote": lambda r: r.update(statement=r["quote"]),
    "period on a current claim": lambda r: r.update(time_frame="current", period_start=1900),
    "unknown actor": lambda r: r["actors"].append({"actor_id": "ATLANTIS", "role": "subject"}),
    "bad role": lambda r: r["actors"][0].update(role="villain") if r["actors"] else r.update(kind="rumour"),
    "prefix edited": lambda r: r.update(prefix="x" + r["prefix"][1:]),
}
CLAIM_FILES = sorted((DATA / "claims").glob("*.yaml"))


@pytest.mark.slow  # 25 validations of the whole dataset
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    file_index=st.integers(0, len(CLAIM_FILES) - 1),
    record_index=st.integers(0, 200),
    mutation=st.sampled_from(sorted(MUTATIONS)),
)
def test_any_single_invalid_mutation_is_rejected_naming_the_record(
    tmp_path_factory, file_index, record_index, mutation
):
    data_dir = tmp_path_factory.mktemp("mutated") / "data"
    shutil.copytree(DATA, data_dir)
    path = data_dir / "claims" / CLAIM_FILES[file_index].name
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    record = records[record_index % len(records)]
    claim_id = record["claim_id"]
    MUTATIONS[mutation](record)
    path.write_text(yaml.safe_dump(records, sort_keys=False, allow_unicode=True, width=110), encoding="utf-8")
    try:
        validate(data_dir)
    except ValidationFailed as error:
        named = {problem.record_id for problem in error.problems}
        assert claim_id in named, (mutation, claim_id, [str(p) for p in error.problems][:3])
    else:
        raise AssertionError(f"mutation {mutation!r} of {claim_id} was accepted")


def test_tables_registry_is_complete():
    # Every table the checks know: the published tables and the curation lists, which are not published.
    assert set(TABLES_BY_NAME) == {t.name for t in CHECKED_TABLES}
    assert not {t.name for t in CURATION_LISTS} & {t.name for t in TABLES}


def test_csv_with_newlines_in_values_reads_back_past_the_reader_block_size(tmp_path):
    # Arrow's CSV reader splits files into blocks (1 MB) and loses its place at a newline inside
    # a quoted value unless told that values may hold newlines; small files never show this.
    table = TABLES_BY_NAME["claim_links"]
    rows = [
        {"from_claim": f"x-s0-{i % 999 + 1:03d}", "to_claim": "x-s1-001", "relation": "drives", "basis": "inferred"}
        for i in range(30_000)
    ]
    for i, row in enumerate(rows):
        row["justification"] = f"line one of {i}\nline two, with a paragraph break\n\nand more text"
    arrow = typed_table(table, plain_table(table, rows))
    write_csv(arrow, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").stat().st_size > 2_000_000
    assert read_csv(tmp_path / "t.csv", arrow.schema).equals(plain(arrow))
