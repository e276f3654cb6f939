"""Values mean what they look like: a whole number is read only from plain decimal digits (YAML
1.1's sexagesimal, octal, hexadecimal, binary and underscored forms are field errors at their
line), and every source's text lies in its sections."""

from __future__ import annotations

import re

import pytest

from alliance_data.curation.authoring import read_records
from alliance_data.curation.validate import validate
from alliance_data.problems import ProblemList, ValidationFailed
from conftest import replace_in

S0 = "claims/irda-s0.yaml"
# What a copy leaves unchanged is read and checked once in the session (tests/conftest.py): each
# test edits a record or two and checks what validation says about them.
pytestmark = pytest.mark.usefixtures("unchanged_parts_checked_once")


def records_of(tmp_path, text: str) -> list[dict]:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    return [record.data for record in read_records(path, ProblemList())]


@pytest.mark.parametrize(
    ("written", "read_by_yaml_1_1"),
    [("1:32:49", 5569), ("012701", 5569), ("0x15c1", 5569), ("0b1010111000001", 5569), ("5_569", 5569)],
)
def test_a_number_in_another_form_stays_the_text_it_looks_like(tmp_path, written, read_by_yaml_1_1):
    assert records_of(tmp_path, f"- n: {written}\n") == [{"n": written}]


@pytest.mark.parametrize(("written", "value"), [("5569", 5569), ("0", 0), ("-3", -3), ("'012701'", "012701")])
def test_plain_decimal_numbers_and_quoted_text_are_read_as_before(tmp_path, written, value):
    assert records_of(tmp_path, f"- n: {written}\n") == [{"n": value}]


def test_a_fraction_is_not_read_as_a_number(tmp_path):
    assert records_of(tmp_path, "- n: 1:30.5\n- n: 2.5\n") == [{"n": "1:30.5"}, {"n": "2.5"}]


def first_line_holding(path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


@pytest.mark.parametrize("written", ["0:2:17", "0211", "0x89", "0b10001001", "1_37"])
def test_an_offset_in_another_form_is_a_field_error_at_its_line(data_copy, written):
    path = data_copy / S0
    line = first_line_holding(path, "char_start:")
    found = re.search(r"char_start: (\d+)", path.read_text(encoding="utf-8")).group(0)
    replace_in(path, found, f"char_start: {written}")
    with pytest.raises(ValidationFailed) as error:
        validate(data_copy)
    problems = [p for p in error.value.problems if p.field == "char_start" and p.line == line]
    assert problems, [str(p) for p in error.value.problems]
    assert written in problems[0].message and "plain decimal digits" in problems[0].fix


def test_a_year_written_as_sexagesimal_is_a_field_error(data_copy):
    path = data_copy / "claims" / "irda-s1.yaml"
    replace_in(path, "period_start: 1947", "period_start: 32:27")
    line = first_line_holding(path, "period_start: 32:27")
    with pytest.raises(ValidationFailed) as error:
        validate(data_copy)
    assert any(p.field == "period_start" and p.line == line for p in error.value.problems)


def test_a_source_without_sections_is_refused(data_copy):
    sources = data_copy / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    entry = text[text.index("- source_id: irda") :]
    sources.write_text(text + entry.replace("source_id: irda", "source_id: irdb", 1), encoding="utf-8")
    with pytest.raises(ValidationFailed) as error:
        validate(data_copy)
    [problem] = [p for p in error.value.problems if p.check == "source_text_in_sections"]
    assert problem.record_id == "irdb" and problem.file.endswith("sources.yaml") and problem.line
    assert "no sections" in problem.message
