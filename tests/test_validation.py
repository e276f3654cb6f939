"""Bad input gets a clear error naming file, line, record, field and a fix; all at once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from alliance_data.curation.validate import validate
from alliance_data.problems import ValidationFailed
from conftest import replace_in, tiny_rule_problems

# What a copy leaves unchanged is read and column-checked once in the session: each test edits
# a record or two and checks what validation says about them.
pytestmark = pytest.mark.usefixtures("unchanged_parts_checked_once")

S3 = "claims/irda-s3.yaml"


def problems_of(data_dir: Path) -> list:
    with pytest.raises(ValidationFailed) as error:
        validate(data_dir)
    return error.value.problems


def line_of(path: Path, text: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def only(problems: list, **expected):
    matching = [p for p in problems if all(getattr(p, k) == v for k, v in expected.items())]
    assert matching, f"no problem with {expected} in {[str(p) for p in problems]}"
    return matching[0]


def test_the_curated_data_is_valid():
    dataset = validate(Path(__file__).resolve().parents[1] / "data")
    assert dataset.table("claims").num_rows > 100


def test_a_second_validation_of_the_same_copy_checks_no_table_again(data_copy, monkeypatch):
    # The replay these tests rely on (tests/conftest.py) is on validate's path: should validation
    # stop going through what it patches, this fails, instead of the tier silently taking longer.
    import uuid
    from contextlib import contextmanager

    from alliance_data.rules import local

    connections = []
    real = local.rule_connection

    @contextmanager
    def counted(dataset):
        connections.append(dataset)
        with real(dataset) as opened:
            yield opened

    monkeypatch.setattr(local, "rule_connection", counted)
    label = f"  label: Cold War divide {uuid.uuid4().hex}\n"  # tables no earlier test has checked
    replace_in(data_copy / "topics.yaml", "  label: Cold War divide\n", label)
    validate(data_copy)
    assert len(connections) == 1
    validate(data_copy)
    assert len(connections) == 1


def test_wrong_type_names_file_line_record_field(data_copy):
    path = data_copy / S3
    replace_in(path, "  char_start: 5878\n", "  char_start: '5878'\n")
    problem = only(problems_of(data_copy), field="char_start", record_id="irda-s3-004")
    assert problem.file.endswith("irda-s3.yaml") and problem.line == line_of(path, "char_start: '5878'")
    assert "integer" in problem.message and "whole number" in problem.fix


def test_missing_required_field(data_copy):
    replace_in(data_copy / S3, "  kind: area\n", "")
    problem = only(problems_of(data_copy), field="kind", record_id="irda-s3-001")
    assert "missing" in problem.message and problem.fix.startswith("add 'kind:'")


def test_unknown_field(data_copy):
    replace_in(data_copy / S3, "  kind: area\n", "  kind: area\n  knd: area\n")
    problem = only(problems_of(data_copy), field="knd", record_id="irda-s3-001")
    assert "remove 'knd'" in problem.fix


def test_unknown_enumeration_value(data_copy):
    replace_in(data_copy / S3, "  certainty: asserted\n", "  certainty: sure\n")
    problem = only(problems_of(data_copy), field="certainty", record_id="irda-s3-001")
    assert "asserted" in problem.fix and "speculative" in problem.fix


def test_duplicate_id(data_copy):
    replace_in(data_copy / S3, "claim_id: irda-s3-002\n", "claim_id: irda-s3-001\n")
    problem = only(problems_of(data_copy), record_id="irda-s3-001", field="claim_id")
    assert "duplicate key" in problem.message


def test_id_breaking_its_pattern(data_copy):
    replace_in(data_copy / S3, "claim_id: irda-s3-002\n", "claim_id: IRDA_S3_2\n")
    problem = only(problems_of(data_copy), record_id="IRDA_S3_2", field="claim_id")
    assert problem.fix.startswith("write a value matching ^")


@pytest.mark.parametrize(
    ("old", "new", "field", "parent"),
    [
        ("  - actor_id: IRN\n", "  - actor_id: XYZ\n", "actor_id", "actors.actor_id"),
        ("  topic_id: area-overview\n", "  topic_id: area-nonexistent\n", "topic_id", "topics.topic_id"),
    ],
)
def test_foreign_key_to_a_missing_record(data_copy, old, new, field, parent):
    replace_in(data_copy / S3, old, new)
    problem = only(problems_of(data_copy), field=field)
    assert parent in problem.fix


def test_foreign_key_to_a_missing_section_and_source(data_copy):
    replace_in(data_copy / S3, "  section_id: irda-s3\n", "  section_id: irda-s9\n")
    problems = problems_of(data_copy)
    only(problems, field="section_id", record_id="irda-s3-001")


def test_quote_not_at_its_offsets(data_copy):
    replace_in(data_copy / S3, "  char_start: 5878\n  char_end: 5925\n", "  char_start: 5879\n  char_end: 5926\n")
    problem = only(problems_of(data_copy), field="quote")
    assert "occurs at 5878..5925" in problem.message


@pytest.mark.parametrize(
    ("start", "end"),
    [(5925, 5878), (5878, 5878), (5878, 99999)],
    ids=["reversed", "empty", "out-of-range"],
)
def test_bad_offsets(data_copy, start, end):
    replace_in(data_copy / S3, "  char_start: 5878\n  char_end: 5925\n", f"  char_start: {start}\n  char_end: {end}\n")
    problem = only(problems_of(data_copy), field="quote")
    assert "empty, reversed or outside the text" in problem.message


def test_quote_differing_by_an_apostrophe_is_explained(data_copy):
    path = data_copy / S3
    text = path.read_text(encoding="utf-8")
    curly = next(line for line in text.splitlines() if line.startswith("  quote:") and "’" in line)
    path.write_text(text.replace(curly, curly.replace("’", "'"), 1), encoding="utf-8")
    problem = only(problems_of(data_copy), field="quote")
    assert "folding apostrophes" in problem.message and "copy the span" in problem.message


def test_span_crossing_its_section(data_copy):
    # Claim irda-s3-001 claimed to be in section s2: its span lies outside s2.
    replace_in(
        data_copy / S3,
        "claim_id: irda-s3-001\n  source_id: irda\n  section_id: irda-s3",
        "claim_id: irda-s3-001\n  source_id: irda\n  section_id: irda-s2",
    )
    problem = only(problems_of(data_copy), field="char_start", record_id="irda-s3-001")
    assert "not inside the body of section irda-s2" in problem.message


def test_statement_identical_to_quote():
    quote = "Economic and Trade Relations are a cornerstone."
    claims = [
        {"claim_id": "irda-s3-004", "statement": "economic and trade relations are a cornerstone", "quote": quote},
        {"claim_id": "irda-s3-005", "statement": "Trade between the two states is central.", "quote": quote},
    ]
    found = [p for p in tiny_rule_problems({"claims": claims}) if p.check == "statement_in_own_words"]
    assert [(p.record_id, p.field) for p in found] == [("irda-s3-004", "statement")]


def test_asserted_claim_with_a_hedge_cue(data_copy):
    path = data_copy / "claims/irda-s5.yaml"
    text = path.read_text(encoding="utf-8")
    match = re.search(r"  quote: [^\n]*\blikely\b[^\n]*\n(?:  [^\n]*\n)*?  certainty: likely\n", text)
    assert match
    path.write_text(text.replace(match.group(0), match.group(0).replace("certainty: likely", "certainty: asserted")))
    problem = only(problems_of(data_copy), field="certainty")
    assert "give 'likely'" in problem.message and "hedge_note" in problem.fix


def test_a_hedge_note_records_an_exception(data_copy):
    # irda-s3-038 ("might be less publicized") is asserted by a recorded exception;
    # without its hedge_note it fails.
    path = data_copy / S3
    text = path.read_text(encoding="utf-8")
    start = text.index("claim_id: irda-s3-038")
    note = re.compile(r"  hedge_note: .*?\n(?=  time_frame)", re.S).search(text, start)
    path.write_text(text[: note.start()] + "  hedge_note: null\n" + text[note.end() :], encoding="utf-8")
    only(problems_of(data_copy), field="certainty", record_id="irda-s3-038")


def test_retired_id_is_never_reused(data_copy):
    (data_copy / "retired_ids.yaml").write_text(
        "- id: irda-s3-001\n  table: claims\n  reason: merged into another claim\n", encoding="utf-8"
    )
    problem = only(problems_of(data_copy), record_id="irda-s3-001", field="claim_id")
    assert "retired" in problem.message


def test_source_text_changed_after_curation(data_copy):
    path = data_copy / "sources" / "irda.txt"
    path.write_bytes(path.read_bytes().replace(b"Hey everyone", b"Hey everybody"))
    problem = only(problems_of(data_copy), field="sha256", record_id="irda")
    assert "changed after curation" in problem.message


def test_yaml_syntax_error_has_its_line(data_copy):
    path = data_copy / "topics.yaml"
    replace_in(path, "  label: Cold War divide\n", "  label: Cold War: divide\n")
    problem = only(problems_of(data_copy), file=str(Path("data/topics.yaml")))
    assert "YAML syntax error" in problem.message
    assert problem.line == line_of(path, "Cold War: divide")


def test_not_utf8(data_copy):
    path = data_copy / "topics.yaml"
    path.write_bytes(path.read_bytes() + "- x: caf\u00e9\n".encode("latin-1"))
    problem = only(problems_of(data_copy), file=str(Path("data/topics.yaml")))
    assert "not UTF-8" in problem.message and problem.line == len(path.read_bytes().splitlines())


def test_empty_file(data_copy):
    (data_copy / "claim_links.yaml").write_text("", encoding="utf-8")
    problem = only(problems_of(data_copy), file=str(Path("data/claim_links.yaml")))
    assert "empty" in problem.message


def test_oversized_file_is_refused_before_parsing(data_copy, monkeypatch):
    from alliance_data.curation import authoring

    monkeypatch.setattr(authoring, "MAX_FILE_BYTES", 1000)
    problem = only(problems_of(data_copy), file=str(Path("data/topics.yaml")))
    assert "over the limit" in problem.message


def test_alias_bomb_is_refused(data_copy):
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\n'
    (data_copy / "claim_links.yaml").write_text("- " + bomb.replace("\n", "\n  "), encoding="utf-8")
    problem = only(problems_of(data_copy), file=str(Path("data/claim_links.yaml")))
    assert "anchors and aliases" in problem.message


def test_tags_that_construct_objects_are_refused(data_copy):
    (data_copy / "claim_links.yaml").write_text("- !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    problem = only(problems_of(data_copy), file=str(Path("data/claim_links.yaml")))
    assert "tag" in problem.message


def test_bom_and_crlf_are_accepted_with_right_line_numbers(data_copy):
    path = data_copy / S3
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert validate(data_copy).table("claims").num_rows
    replace_in(path, "  certainty: asserted\r\n", "  certainty: sure\r\n")
    problem = only(problems_of(data_copy), field="certainty")
    assert problem.line == line_of(path, "certainty: sure")


def test_every_problem_of_a_run_is_reported_at_once(data_copy):
    replace_in(data_copy / S3, "  certainty: asserted\n", "  certainty: sure\n")
    replace_in(data_copy / "topics.yaml", "  kind: history\n", "  kind: histori\n")
    replace_in(data_copy / "claims/irda-s5.yaml", "  - actor_id: IRN\n", "  - actor_id: NOPE\n")
    files = {Path(p.file).name for p in problems_of(data_copy)}
    assert {"irda-s3.yaml", "topics.yaml", "irda-s5.yaml"} <= files


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        (lambda q: q.replace(" ", "  ", 1), "whitespace"),
        (lambda q: q.replace("fi", "\ufb01", 1) if "fi" in q else q.replace("a", "\uff41", 1), "normalization"),
    ],
    ids=["whitespace", "unicode-normalization"],
)
def test_quote_differing_by_whitespace_or_normalization_is_explained(data_copy, variant, expected):
    path = data_copy / S3
    text = path.read_text(encoding="utf-8")
    old = "  quote: Economic and Trade Relations are a cornerstone.\n"
    new = "  quote: '" + variant("Economic and Trade Relations are a cornerstone.") + "'\n"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    problem = only(problems_of(data_copy), field="quote", record_id="irda-s3-004")
    assert "whitespace or Unicode normalization" in problem.message


def test_unknown_source_is_a_foreign_key_error():
    claims = [{"claim_id": "irda-s3-001", "source_id": "nowhere"}, {"claim_id": "irda-s3-002", "source_id": "irda"}]
    problems = tiny_rule_problems({"sources": [{"source_id": "irda"}], "claims": claims})
    problem = only(problems, field="source_id", check="foreign_key")
    assert problem.record_id == "irda-s3-001" and "sources.source_id" in problem.fix
    assert "'nowhere' is not a known sources.source_id" in problem.message
    assert [p.record_id for p in problems if p.field == "source_id"] == ["irda-s3-001"]


def test_a_claim_linked_to_itself():
    links = [
        {"from_claim": "irda-s3-004", "to_claim": "irda-s3-004", "relation": "qualifies"},
        {"from_claim": "irda-s3-004", "to_claim": "irda-s3-005", "relation": "qualifies"},
    ]
    found = [p for p in tiny_rule_problems({"claim_links": links}) if p.check == "link_not_to_itself"]
    assert len(found) == 1 and found[0].field == "to_claim" and "links to itself" in found[0].message
    assert found[0].file == "claim_links (row 1)"


def test_every_problem_names_its_check_in_the_json_report(data_copy):
    """--json gives each problem the stable code of the check that found it, record and table
    checks alike, so scripts can select problems without reading the words."""
    import json

    from click.testing import CliRunner

    from alliance_data.cli import main

    replace_in(data_copy / S3, "  certainty: asserted\n", "  certainty: sure\n")  # a record check
    replace_in(data_copy / S3, "claim_id: irda-s3-002\n", "claim_id: irda-s3-001\n")  # the key
    replace_in(data_copy / "claims/irda-s5.yaml", "  - actor_id: IRN\n", "  - actor_id: NOPE\n")  # a foreign key
    result = CliRunner().invoke(main, ["validate", str(data_copy), "--json"])
    assert result.exit_code == 1, result.output
    problems = json.loads(result.stdout)["problems"]  # stdout alone: only the JSON
    assert all(problem["check"] for problem in problems), problems
    checks = {problem["check"] for problem in problems}
    assert {"enum", "multiple_fields_uniqueness", "foreign_key"} <= checks, checks
