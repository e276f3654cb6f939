"""Write the reference pages of the documentation site, generated from the code and never
written by hand: the codebook (from the models), the CLI reference (from the commands' own
help), the release history (from releases/index.json) and the article page of every source.

Run from the repository root after changing a model, a command's help, a release or the data
(after `python -m tools.package`): `python -m tools.docs`, then `mkdocs build --strict`.
`python -m tools.docs --check` lists stale pages; tests/test_docs.py runs it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from tools.generated import ROOT, Files, as_bytes, run, stale_files, write_files

from alliance_data.release import codebook

DOCS = Path("docs")
RELEASES = ROOT / "releases"
EXIT_CODES = {
    0: "success",
    1: "the data or a file has problems (validation, coverage, checksums, a refused release); nothing was written",
    2: "wrong usage: an unknown command, option, table or version",
}
GENERATED_BY = "`python -m tools.docs`"

# What `verify` checks and what only a checksum published elsewhere can (in docs/releases.md).
TRUST_MODEL = ROOT / "src" / "alliance_data" / "release" / "trust_model.md"


def cli_reference() -> str:
    from alliance_data.cli import main

    lines = [
        "# Command-line reference",
        "",
        f"<!-- Generated from the commands' own help by {GENERATED_BY}; do not edit. -->",
        "",
        "Every command takes `--help`. Output is coloured on a terminal and plain otherwise (and",
        "whenever `NO_COLOR` is set); `validate`, `coverage` and `diff` take `--json` for scripts.",
        "Piped, `show`, `describe` and `releases` write a header line and one tab-separated line per",
        "row (tabs, newlines and backslashes in values written `\\t`, `\\n`, `\\\\`), for `cut`, `awk` and",
        "spreadsheets; the citation `show` prints goes to stderr then. Outside a clone, `releases`",
        "lists the index shipped in the package; `verify` and `diff` of versions need `--releases DIR`.",
        "",
        "## Exit codes",
        "",
        "| code | meaning |",
        "|---:|---|",
        *(f"| {code} | {meaning} |" for code, meaning in EXIT_CODES.items()),
    ]
    # A fixed width, so the page does not depend on the terminal it was generated in.
    settings = {"terminal_width": 100, "max_content_width": 100, "help_option_names": ["-h", "--help"]}
    context = click.Context(main, info_name="alliance-data", **settings)
    lines += ["", "## alliance-data", "", "```", main.get_help(context).rstrip(), "```"]
    for name in sorted(main.commands):
        command = main.commands[name]
        sub = click.Context(command, info_name=name, parent=context, **settings)
        lines += ["", f"## alliance-data {name}", "", "```", command.get_help(sub).rstrip(), "```"]
    return "\n".join(lines) + "\n"


def release_history(releases_dir: Path = RELEASES) -> str:
    index_path = releases_dir / "index.json"
    releases = json.loads(index_path.read_text(encoding="utf-8"))["releases"] if index_path.exists() else []
    lines = [
        "# Release history",
        "",
        f"<!-- Generated from releases/index.json by {GENERATED_BY}; do not edit. -->",
        "",
        "Every release is published once under `releases/vVERSION/` and never changed. Check a",
        "download with `sha256sum -c SHA256SUMS` (or `alliance-data verify VERSION`).",
        "",
        TRUST_MODEL.read_text(encoding="utf-8").strip(),
    ]
    for entry in reversed(releases):
        notes = (releases_dir / entry["path"] / "RELEASE_NOTES.md").read_text(encoding="utf-8")
        body = notes.split("\n", 1)[1].replace("\n## ", "\n### ")
        rows = ", ".join(f"{count} {table}" for table, count in entry["tables"].items())
        lines += [
            "",
            f"## {entry['version']}",
            "",
            f"Rows: {rows}.",
            "",
            f"SHA-256 of `SHA256SUMS`: `{entry['sha256sums']}`.",
            body.rstrip(),
        ]
    return "\n".join(lines) + "\n"


def article_pages() -> dict[str, str]:
    """The article page of every packaged source (article/<source_id>.html), self-contained."""
    import alliance_data
    from alliance_data.release.sources import ARTICLE_TABLES
    from alliance_data.rendering.article import article_html
    from alliance_data.rendering.figures import _records

    tables = {name: _records(alliance_data.load(name)) for name in ARTICLE_TABLES}
    return {
        f"article/{source['source_id']}.html": article_html(
            alliance_data.source_text(source["source_id"]), tables, source["source_id"]
        )
        for source in tables["sources"]
    }


def pages() -> Files:
    """Path under the repository root -> content of every generated page."""
    contents = {
        "codebook.md": codebook.render(),
        "cli.md": cli_reference(),
        "releases.md": release_history(),
        **article_pages(),
    }
    return {DOCS / name: as_bytes(content) for name, content in contents.items()}


def check(root: Path = ROOT) -> list[str]:
    return [path.as_posix() for path in stale_files(pages(), root)]


def write(root: Path = ROOT) -> list[str]:
    return [path.as_posix() for path in write_files(pages(), root)]


if __name__ == "__main__":
    sys.exit(run(__doc__.split("\n\n")[0], check, write))
