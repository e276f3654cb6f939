"""The documentation site: generated pages current, every command and option documented, and
the MkDocs site builds in strict mode (a broken link fails)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import yaml
from click.testing import CliRunner
from tools import docs as docs_tool

from alliance_data.cli import main
from conftest import ROOT

DOCS = ROOT / "docs"


def test_generated_pages_are_current():
    assert docs_tool.check() == [], "run `python -m tools.docs`"


def test_a_stale_page_is_reported(tmp_path):
    shutil.copytree(DOCS, tmp_path / "docs")
    (tmp_path / "docs" / "codebook.md").write_text("an old codebook\n", encoding="utf-8")
    (tmp_path / "docs" / "article" / "irda.html").unlink()
    assert docs_tool.check(tmp_path) == ["docs/codebook.md", "docs/article/irda.html"]
    assert docs_tool.write(tmp_path) == ["docs/codebook.md", "docs/article/irda.html"]
    assert docs_tool.check(tmp_path) == []


def test_the_cli_reference_names_each_command_once():
    reference = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert "alliance-data alliance-data" not in reference
    assert "Usage: alliance-data validate [OPTIONS]" in reference


def test_every_command_has_help_with_examples_and_is_documented():
    reference = (DOCS / "cli.md").read_text(encoding="utf-8")
    for name, command in main.commands.items():
        context = click.Context(command, info_name=name)
        assert "Examples:" in command.get_help(context), name
        assert f"## alliance-data {name}" in reference, name
        for parameter in command.params:
            for option in getattr(parameter, "opts", []):
                if option.startswith("-"):
                    assert option in reference, f"{name} {option}"


def test_every_page_is_in_the_site_and_every_nav_entry_exists():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    nav = {next(iter(entry.values())) for entry in config["nav"]}
    assert nav == {p.name for p in DOCS.glob("*.md")}


def test_the_site_builds_strictly(tmp_path):
    mkdocs = Path(sys.executable).with_name("mkdocs")
    result = subprocess.run(
        [str(mkdocs), "build", "--strict", "-d", str(tmp_path / "site")], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "site" / "codebook" / "index.html").exists()


def test_plain_output_off_a_terminal():
    result = CliRunner().invoke(main, ["show", "claims", "--limit", "1"])
    assert result.exit_code == 0 and "\x1b[" not in result.output


def test_json_output_for_scripts(data_copy):
    import json

    ok = CliRunner().invoke(main, ["validate", str(ROOT / "data"), "--json"])
    assert ok.exit_code == 0 and json.loads(ok.output)["valid"] is True
    path = data_copy / "topics.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  kind: history\n", "  kind: histori\n", 1))
    bad = CliRunner().invoke(main, ["validate", str(data_copy), "--json"])
    report = json.loads(bad.output)
    assert bad.exit_code == 1 and report["valid"] is False
    assert {"file", "line", "record_id", "field", "message", "fix"} <= set(report["problems"][0])


def test_the_tool_runs_from_the_root_of_a_clone():
    import alliance_data

    env = {**os.environ, "PYTHONPATH": str(Path(alliance_data.__file__).parents[1])}
    command = [sys.executable, "-m", "tools.docs", "--check"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
