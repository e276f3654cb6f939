"""Comments and docstrings of the code carry no measured timings or speed-ups: those go stale
as the code and the machines change. The measurements live in benchmarks/ and
docs/benchmarks.md; a comment says why, without the number."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODE = [path for folder in ("src", "tools") for path in sorted((ROOT / folder).rglob("*.py"))]
SCRIPTS = sorted(path for path in (ROOT / "scripts").iterdir() if path.is_file())

TIMING = re.compile(
    r"\d+(?:\.\d+)?(?:\s(?:s|ms|µs|seconds?|minutes?)|ms|µs)\b"  # 1.2 s, 550 ms, 4ms
    r"|\d+(?:\.\d+)?\s?[x×]\s(?:faster|slower)"  # 2.3x slower
    r"|\d+(?:\.\d+)?\s?%\s(?:of|faster|slower|tighter)"  # 15% of the export's time
    r"|(?:about|~)\s?\d[\d.,]*\s?(?:kB|KiB|MB|MiB|GB|GiB)\b"  # about 100 MB
)


def comments_and_docstrings(source: str, python: bool = True):
    if not python:  # a shell script: its comment lines
        yield from ((n, line) for n, line in enumerate(source.splitlines(), 1) if line.lstrip().startswith("#"))
        return
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            yield token.start[0], token.string
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            docstring = ast.get_docstring(node, clean=False)
            if docstring:
                yield node.body[0].lineno, docstring


def timings(path: Path) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line}: {match.group()}"
        for line, text in comments_and_docstrings(path.read_text(encoding="utf-8"), path.suffix == ".py")
        for match in TIMING.finditer(text)
    ]


def test_no_timings_in_comments_or_docstrings():
    checked = CODE + SCRIPTS
    assert len(checked) > 50 and SCRIPTS
    found = [hit for path in checked for hit in timings(path)]
    assert not found, "move the number to benchmarks/ and keep the reason:\n" + "\n".join(found)


def test_the_pattern_finds_the_timings_it_is_for():
    source = '"""Loads in 1.2 s."""\n# 2.3x slower; 550 ms -> 4ms; 15% of the time; about 100 MB\nx = "9 s"\n'
    found = [match.group() for _, text in comments_and_docstrings(source) for match in TIMING.finditer(text)]
    assert sorted(found) == sorted(["1.2 s", "2.3x slower", "550 ms", "4ms", "15% of", "about 100 MB"])
    assert not TIMING.search("turning those 404s into 500s; a 5 MiB limit; 30 topics")
