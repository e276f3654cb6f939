"""Rules that were missing: each breaks a copy of the curated data one way and expects one clear
problem naming file, line, record, field, what is wrong and how to fix it."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_data.codebook.models import MAX_TEXT_BYTES, MAX_TEXT_LENGTH
from alliance_data.codebook.registry import TABLES
from alliance_data.curation.validate import validate
from alliance_data.problems import ValidationFailed
from alliance_data.rules import causal_cycle_edges
from alliance_data.serving.bounds import CONNECTION_LIMITS
from alliance_data.serving.limits import apply_limits
from conftest import replace_in

# What a copy leaves unchanged is read and column-checked once in the session: each test edits
# a record or two and checks what validation says about them.
pytestmark = pytest.mark.usefixtures("unchanged_parts_checked_once")

S3 = "claims/irda-s3.yaml"
CORNERSTONE = "  quote: Economic and Trade Relations are a cornerstone.\n"


def problems_of(data_dir: Path) -> list:
    with pytest.raises(ValidationFailed) as error:
        validate(data_dir)
    return error.value.problems


def only(problems: list, **expected):
    matching = [p for p in problems if all(getattr(p, k) == v for k, v in expected.items())]
    assert matching, f"no problem with {expected} in {[str(p) for p in problems]}"
    return matching[0]


def line_of(path: Path, text: str, after: str | None = None) -> int:
    """The line holding `text` (the first after the line holding `after`, when given)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(number for number, line in enumerate(lines) if after in line) if after else 0
    for number, line in enumerate(lines[start:], start + 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def append(path: Path, text: str) -> int:
    """Append to an authored file; the number of the first line appended."""
    first = len(path.read_text(encoding="utf-8").splitlines()) + 1
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)
    return first


def statement_of(data_dir: Path, claim_id: str, statement: str) -> None:
    """Set a claim's statement (a double-quoted YAML scalar, so escapes such as \\u202e work)."""
    path = data_dir / f"claims/{claim_id.rsplit('-', 1)[0]}.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f"claim_id: {claim_id}\n")
    match = re.compile(r"  statement: .*?\n(?=  quote:)", re.S).search(text, start)
    path.write_text(text[: match.start()] + f'  statement: "{statement}"\n' + text[match.end() :], encoding="utf-8")


# ---------------------------------------------------------------------------------------
# Section spans


def test_overlapping_sections_are_refused(data_copy):
    path = data_copy / "sections.yaml"
    replace_in(path, "  char_end: 2704\n", "  char_end: 2800\n")  # irda-s1 runs into irda-s2
    problem = only(problems_of(data_copy), record_id="irda-s2", field="char_start")
    assert problem.file == "data/sections.yaml" and problem.line == line_of(path, "char_start: 2706")
    assert "before section irda-s1 (ordinal 1) ends at 2800" in problem.message and "overlap" in problem.message
    assert "previous section's char_end" in problem.fix


@pytest.mark.parametrize(
    ("old", "new", "record", "where"),
    [
        # irda-s1 ends early: the end of its last paragraph belongs to no section.
        ("  char_end: 2704\n", "  char_end: 2703\n", "irda-s2", "between sections irda-s1 and irda-s2"),
        # the last section stops before the end of the text.
        ("  char_end: 15575\n", "  char_end: 15540\n", "irda-s5", "after the last section"),
        # the introduction starts inside its first paragraph: more than the title block before it.
        (
            "  char_start: 64\n  body_start: 64\n",
            "  char_start: 100\n  body_start: 100\n",
            "irda-s0",
            "before the first section",
        ),
    ],
    ids=["between", "after-the-last", "before-the-first"],
)
def test_text_outside_every_section_is_refused(data_copy, old, new, record, where):
    replace_in(data_copy / "sections.yaml", old, new)
    problem = only(problems_of(data_copy), record_id=record, file="data/sections.yaml")
    assert where in problem.message and "no section" in problem.message
    assert problem.field == "char_start" and problem.line
    assert "extend the neighbouring section" in problem.fix


# ---------------------------------------------------------------------------------------
# Links


def test_a_cycle_of_causal_links_is_refused(data_copy):
    # irda-s2-004 drives irda-s2-006 already; with this link, and through irda-s2-006 -> irda-s2-004
    # and back, causes run in a circle.
    first = append(
        data_copy / "claim_links.yaml",
        "- from_claim: irda-s2-006\n  to_claim: irda-s2-004\n  relation: implies\n  basis: inferred\n"
        "  justification: A link that makes the effect the cause of its own cause.\n",
    )
    problems = problems_of(data_copy)
    problem = only(problems, record_id="irda-s2-006->irda-s2-004", field="relation")
    assert problem.file == "data/claim_links.yaml" and problem.line == first + 2
    assert "irda-s2-006 implies irda-s2-004, and irda-s2-004 -> irda-s2-006 leads back" in problem.message
    assert "never run in a circle" in problem.fix
    # The link it closes the circle with is on it too; links leading into or out of it are not.
    only(problems, record_id="irda-s2-004->irda-s2-006", field="relation")
    assert not [p for p in problems if p.record_id == "irda-s2-004->irda-s3-040"]


def test_cycle_edges_are_those_in_a_strongly_connected_component():
    edges = [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("x", "a"), ("d", "e"), ("e", "d"), ("f", "f")]
    assert causal_cycle_edges(edges) == {("a", "b"), ("b", "c"), ("c", "a"), ("d", "e"), ("e", "d")}
    chain = [(f"n{i}", f"n{i + 1}") for i in range(50_000)]  # deep, without recursion
    assert causal_cycle_edges(chain) == set()
    assert causal_cycle_edges([*chain, ("n50000", "n0")]) == {*chain, ("n50000", "n0")}


def _reaches(edges: list[tuple[str, str]], start: str, goal: str) -> bool:
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        for a, b in edges:
            if a == node and b not in seen:
                seen.add(b)
                todo.append(b)
    return goal in seen


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8)), max_size=24))
def test_an_edge_is_on_a_cycle_exactly_when_its_end_leads_back_to_its_start(pairs):
    edges = [(f"c{a}", f"c{b}") for a, b in pairs]
    expected = {(a, b) for a, b in edges if a != b and _reaches(edges, b, a)}
    assert causal_cycle_edges(edges) == expected


def test_a_pair_linked_causally_and_as_a_contradiction_is_refused(data_copy):
    first = append(
        data_copy / "claim_links.yaml",
        "- from_claim: irda-s2-006\n  to_claim: irda-s2-004\n  relation: contradicts\n  basis: inferred\n"
        "  justification: A link that says the effect is at odds with its cause.\n",
    )
    problem = only(problems_of(data_copy), record_id="irda-s2-006->irda-s2-004", field="relation")
    assert problem.line == first + 2
    assert "also linked causally (irda-s2-004 drives irda-s2-006)" in problem.message
    assert "keep the one relation the text supports" in problem.fix


# ---------------------------------------------------------------------------------------
# Retired ids


@pytest.mark.parametrize(
    ("table", "value", "file", "key"),
    [
        ("sources", "irda", "data/sources.yaml", "source_id"),
        ("sections", "irda-s3", "data/sections.yaml", "section_id"),
        ("topics", "area-overview", "data/topics.yaml", "topic_id"),
        ("actors", "IRN", "data/actors.yaml", "actor_id"),
        ("claims", "irda-s3-001", "data/claims/irda-s3.yaml", "claim_id"),
    ],
)
def test_a_retired_id_still_used_in_any_table_is_refused(data_copy, table, value, file, key):
    (data_copy / "retired_ids.yaml").write_text(
        f"- id: {value}\n  table: {table}\n  reason: merged into another record\n", encoding="utf-8"
    )
    problem = only(problems_of(data_copy), record_id=value, field=key, file=file)
    assert f"was retired from {table} (merged into another record)" in problem.message
    assert problem.line == line_of(data_copy.parent / file, f"{key}: {value}")


@pytest.mark.parametrize("table", ["claimz", "claim_links"])
def test_a_retired_id_naming_a_table_without_ids_is_refused(data_copy, table):
    path = data_copy / "retired_ids.yaml"
    path.write_text(f"- id: irda-s9-001\n  table: {table}\n  reason: never published\n", encoding="utf-8")
    problem = only(problems_of(data_copy), record_id="irda-s9-001", field="table")
    assert problem.file == "data/retired_ids.yaml" and problem.line == 2
    assert f"'{table}' is not a table" in problem.message
    assert "sources, sections, topics, actors, claims" in problem.fix


def test_an_id_retired_twice_is_refused(data_copy):
    path = data_copy / "retired_ids.yaml"
    path.write_text(
        "- id: irda-s9-001\n  table: claims\n  reason: merged\n- id: irda-s9-001\n  table: claims\n  reason: again\n",
        encoding="utf-8",
    )
    problems = [p for p in problems_of(data_copy) if p.file == "data/retired_ids.yaml"]
    assert {p.line for p in problems} == {1, 4}
    assert all(p.record_id == "irda-s9-001" and "duplicate key in retired_ids" in p.message for p in problems)
    assert all("unique" in p.fix for p in problems)


# ---------------------------------------------------------------------------------------
# Exemptions from the link requirement


# ---------------------------------------------------------------------------------------
# Actors, files, statements


def test_two_actors_with_one_wikidata_id_are_refused(data_copy):
    path = data_copy / "actors.yaml"
    replace_in(path, "  wikidata_qid: Q34266\n", "  wikidata_qid: Q159\n")  # the Russian Empire as Russia
    problems = problems_of(data_copy)
    problem = only(problems, record_id="RUSSIAN_EMPIRE", field="wikidata_qid")
    assert problem.line == line_of(path, "wikidata_qid: Q159", after="actor_id: RUSSIAN_EMPIRE")
    assert "Q159 is also given to actor RUS" in problem.message and "its own Wikidata item" in problem.fix
    assert "also given to actor RUSSIAN_EMPIRE" in only(problems, record_id="RUS", field="wikidata_qid").message


def test_a_claim_in_another_sections_file_is_refused(data_copy):
    s3, s4 = data_copy / S3, data_copy / "claims/irda-s4.yaml"
    text = s3.read_text(encoding="utf-8")
    start = text.index("- claim_id: irda-s3-002\n")
    end = text.index("- claim_id: irda-s3-003\n")
    s3.write_text(text[:start] + text[end:], encoding="utf-8")
    first = append(s4, text[start:end])
    problem = only(problems_of(data_copy), record_id="irda-s3-002", field="section_id")
    assert problem.file == "data/claims/irda-s4.yaml" and problem.line == first + 2
    assert "another section's file" in problem.message and "move the claim to claims/<section_id>.yaml" in problem.fix


@pytest.mark.parametrize(
    ("statement", "wrong"),
    [
        (" " * 12, "is blank"),
        ("\\u3000\\u00a0" * 6, "is blank"),
        ("\\u200b" * 12, "U+200B"),
    ],
    ids=["spaces", "wide-spaces", "zero-width"],
)
def test_a_statement_of_blanks_or_invisible_characters_is_refused(data_copy, statement, wrong):
    statement_of(data_copy, "irda-s3-002", statement)
    problem = only(problems_of(data_copy), record_id="irda-s3-002", field="statement")
    assert wrong in problem.message and "paste it as plain text" in problem.message


def test_a_statement_equal_to_its_quote_up_to_punctuation_and_case_is_refused(data_copy):
    claim = "irda-s3-004"
    text = (data_copy / S3).read_text(encoding="utf-8")
    assert CORNERSTONE in text[text.index(f"claim_id: {claim}") :]
    statement_of(data_copy, claim, "ECONOMIC, and trade relations: are a cornerstone!")
    problem = only(problems_of(data_copy), record_id=claim, field="statement")
    assert "repeats the quote" in problem.message and "own words" in problem.fix


@pytest.mark.parametrize(
    ("file", "old", "new", "record", "field"),
    [
        (S3, None, "Iran and Russia\\u202e cooperate in trade.", "irda-s3-002", "statement"),
        ("topics.yaml", "  label: Long roots of the relationship\n", '  label: "Long\\u200b roots"\n', None, "label"),
        ("actors.yaml", "  name: Iran\n", '  name: "Iran\\a"\n', "IRN", "name"),
        ("actors.yaml", "  name: Russia\n", '  name: "Rus\\u2066sia"\n', "RUS", "name"),
        (
            "retired_ids.yaml",
            "- id: irda-s5-002\n",
            '- id: "irda-s9-\\u200d001"\n  table: claims\n  reason: merged\n- id: irda-s5-002\n',
            "irda-s9-\u200d001",
            "id",
        ),
    ],
    ids=["bidi-override-in-statement", "zero-width-in-label", "control-in-name", "bidi-isolate-in-name", "id"],
)
def test_hidden_characters_in_our_own_text_are_refused(data_copy, file, old, new, record, field):
    if old is None:
        statement_of(data_copy, record, new)
    else:
        replace_in(data_copy / file, old, new)
    problem = only(problems_of(data_copy), field=field, file=f"data/{file}")
    assert record is None or problem.record_id == record
    assert "hidden or control character U+" in problem.message and problem.line


def test_quotes_and_headings_keep_what_the_source_has():
    constrained = {(table.name, column.name) for table in TABLES for column in table.columns if column.plain}
    for copied in (("claims", "quote"), ("claims", "prefix"), ("claims", "suffix"), ("sections", "heading")):
        assert copied not in constrained
    assert {("claims", "statement"), ("topics", "label"), ("actors", "name"), ("sections", "short_name")} <= (
        constrained
    )


# ---------------------------------------------------------------------------------------
# One length limit, end to end


def test_a_value_longer_than_the_server_serves_is_refused(data_copy):
    statement_of(data_copy, "irda-s3-002", "x" * (MAX_TEXT_LENGTH + 1))
    problem = only(problems_of(data_copy), record_id="irda-s3-002", field="statement")
    assert f"at most {MAX_TEXT_LENGTH} characters" in problem.message
    assert len(problem.message) < 1000  # the value itself is not printed in full


def test_a_value_of_the_longest_length_builds(data_copy):
    statement_of(data_copy, "irda-s3-002", "x" * MAX_TEXT_LENGTH)
    claims = validate(data_copy).table("claims").to_pylist()
    assert next(c["statement"] for c in claims if c["claim_id"] == "irda-s3-002") == "x" * MAX_TEXT_LENGTH


def test_the_servers_length_limit_is_derived_from_the_builds():
    assert CONNECTION_LIMITS[sqlite3.SQLITE_LIMIT_LENGTH] == 4 * MAX_TEXT_BYTES
    text_columns = [column for table in TABLES for column in table.columns if column.dtype == "string"]
    assert {column.max_length for column in text_columns} == {MAX_TEXT_LENGTH}
    connection = sqlite3.connect(":memory:")
    apply_limits(connection)
    # A claim whose statement and quote are as long as the build accepts, in the widest UTF-8
    # (4 bytes a character), is served: read, searched and sorted (SQLite's sorter holds whole rows).
    longest = "\U0001f600" * MAX_TEXT_LENGTH
    connection.execute("create table claims (claim_id text, statement text, quote text, hedge_note text)")
    connection.execute("insert into claims values ('irda-s3-002', ?, ?, 'a note')", (longest, longest))
    connection.execute("insert into claims values ('irda-s3-001', 'short', 'short', null)")
    query = "select claim_id, length(statement), length(quote) from claims order by quote"
    rows = [tuple(row) for row in connection.execute(query).fetchall()]
    assert rows == [("irda-s3-001", 5, 5), ("irda-s3-002", MAX_TEXT_LENGTH, MAX_TEXT_LENGTH)]
    found = connection.execute("select claim_id from claims where statement like '%' || ? || '%'", ("\U0001f600",))
    assert [tuple(row) for row in found.fetchall()] == [("irda-s3-002",)]
    # A gigabyte string is still refused at once.
    with pytest.raises(sqlite3.DataError):
        connection.execute("select zeroblob(1000000000)").fetchone()
