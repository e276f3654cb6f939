"""The README's promises hold: CI runs its test command verbatim, and its Python examples run."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


def test_ci_runs_the_readme_test_command_verbatim():
    test_command = next(line for line in code_blocks("bash")[1].splitlines() if not line.startswith("#"))
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci


def test_python_examples_run():
    for block in code_blocks("python"):
        exec(compile(block, "README.md", "exec"), {})


def test_readme_lists_every_command_and_no_other():
    from alliance_data.cli import main

    section = README.split("## Command line", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `alliance-data ([a-z]+)", section, re.M))
    assert listed == set(main.commands)


def test_readme_says_how_to_run_every_maintainer_tool():
    tools = [path for path in (ROOT / "tools").glob("*.py") if 'if __name__ == "__main__"' in path.read_text()]
    assert tools
    for path in tools:
        assert f"python -m tools.{path.stem}" in README or f"python tools/{path.name}" in README, path.name


def test_readme_cites_the_current_version():
    from alliance_data import about

    assert f"(version {about.__version__}) [dataset]" in README


def test_the_docs_and_messages_name_only_commands_that_exist():
    from alliance_data.cli import main

    texts = [
        ROOT / "README.md",
        *(ROOT / "docs").glob("*.md"),
        *(ROOT / "src").rglob("*.py"),
        *(ROOT / "src").rglob("*.md"),
    ]
    for path in texts:
        named = set(re.findall(r"`(?:\.venv/bin/)?alliance-data ([a-z]+)", path.read_text(encoding="utf-8")))
        assert named <= set(main.commands), f"{path.relative_to(ROOT)} names {sorted(named - set(main.commands))}"
