"""What comes from the data or the file system is escaped for where it goes: a value or a file
name can neither forge a line of a report, drive a terminal, nor run as a script."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from alliance_data.cli import main
from alliance_data.escaping import (
    for_csv_cell,
    for_html,
    for_inline_script,
    for_markdown,
    for_markdown_code,
    for_terminal,
)
from alliance_data.problems import Problem
from alliance_data.release.diff import DatasetDiff, TableDiff, render

FORGED = "0 problems found; everything was written."
ANSI = "\x1b[2J\x1b[32mdata: valid\x1b[0m"


def test_terminal_text_stays_on_one_line_without_escapes():
    shown = for_terminal(f"id\n{FORGED}\r{ANSI}\u202e\x00")
    assert "\n" not in shown and "\r" not in shown and "\x1b" not in shown and "\u202e" not in shown
    assert shown == "id\\n" + FORGED + "\\r" + ANSI.replace("\x1b", "\\x1b") + "\\u202e\\x00"


def test_a_problem_is_two_lines_whatever_its_parts_hold():
    problem = Problem(f"claims/x\n{FORGED}.yaml", 3, f"id\n{FORGED}", "field\x1b[2J", f"bad\n{ANSI}", "fix\nit")
    lines = str(problem).split("\n")
    assert len(lines) == 2 and FORGED not in [line.strip() for line in lines]
    assert "\x1b" not in str(problem)


def test_validate_prints_a_file_name_with_a_newline_escaped(data_copy):
    name = f"irda-x\n{FORGED}\n.yaml"
    (data_copy / "claims" / name).write_text("- claim_id: [broken\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(data_copy)])
    assert result.exit_code == 1
    assert FORGED not in result.output.splitlines(), result.output
    assert "irda-x\\n0 problems found" in result.output


def test_validate_prints_ansi_in_a_file_name_visibly(data_copy):
    (data_copy / "claims" / f"x{ANSI}.yaml").write_text("- {", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(data_copy)])
    assert result.exit_code == 1 and "\x1b" not in result.output and "\\x1b[32mdata: valid" in result.output


def test_markdown_shows_markup_as_text():
    shown = for_markdown("<script>alert(1)</script> *bold* [link](x) `code`\n# heading")
    assert "<script" not in shown and "&lt;script&gt;" in shown
    assert "\\*bold\\*" in shown and "\\[link\\]" in shown and "\\`code\\`" in shown and "\n" not in shown
    assert for_markdown("# heading").startswith("\\#") and for_markdown("- item").startswith("\\-")


def test_a_markdown_code_span_cannot_be_closed_from_inside():
    assert for_markdown_code("irda-s3-004") == "`irda-s3-004`"
    assert for_markdown_code("a`b") == "``a`b``"
    assert for_markdown_code("`x") == "`` `x ``"


def test_release_notes_quote_values_as_text():
    changed = {"irda-s3-004": {"statement": ("old", "<script>alert(1)</script>")}}
    tables = [TableDiff("claims", changed=changed)]
    notes = render(DatasetDiff([], [], tables), "v1.0.0", "v1.1.0")
    assert "<script>" not in notes and "&lt;script&gt;" in notes
    assert "`irda-s3-004`" in notes and "`statement`" in notes


def test_inline_script_json_cannot_end_the_script():
    value = {"name": "</script><!--<script>alert(1)</script>", "sep": "a\u2028b", "amp": "&"}
    shown = for_inline_script(value)
    assert not re.search(r"[<>&\u2028\u2029]", shown)
    assert json.loads(shown) == value


def test_the_canned_query_pages_embed_choices_through_the_script_escaping(monkeypatch):
    import asyncio

    from alliance_data.serving import reader

    async def choices(datasette):
        return {"actor": [["X", "<!--<script>"]]}

    monkeypatch.setattr(reader, "parameter_choices", choices)
    inner = reader.extra_body_script("query", reader.DATABASE, None)
    script = asyncio.run(inner())
    assert "<!--" not in script and "<script" not in script and "\\u003c!--\\u003cscript" in script


def test_html_and_csv_cells():
    assert for_html('<a href="x">&') == "&lt;a href=&quot;x&quot;&gt;&amp;"
    assert for_csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and for_csv_cell("plain") == "plain"


@pytest.mark.parametrize("value", ["plain", "Iran & Russia", "a < b"])
def test_ordinary_text_reads_the_same_on_a_terminal(value):
    assert for_terminal(value) == value


def test_markdown_escapes_what_opens_a_block_and_leaves_a_version_alone():
    from alliance_data.escaping import for_markdown

    assert for_markdown("1.0.0") == "1.0.0"  # a version in a heading, not a list item
    assert for_markdown("1. item") == "\\1. item"
    assert for_markdown("# heading") == "\\# heading"
    assert for_markdown("- bullet") == "\\- bullet"
    assert for_markdown("-1 degrees") == "-1 degrees"
