"""Reference pages of the documentation site generated from the code, never written by hand:
the codebook (from the models), the CLI reference (from the commands' own help) and the
release history (from releases/index.json)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .release import codebook

EXIT_CODES = {
    0: "success",
    1: "the data or a file has problems (validation, coverage, checksums, a refused release); nothing was written",
    2: "wrong usage: an unknown command, option, table or version",
}


# What `verify` checks and what only a checksum published elsewhere can (in docs/releases.md).
TRUST_MODEL = Path(__file__).with_name("release") / "trust_model.md"


def cli_reference() -> str:
    from .cli import main

    lines = [
        "# Command-line reference",
        "",
        "<!-- Generated from the commands' own help by `alliance-data docs`; do not edit. -->",
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
        sub = click.Context(command, info_name=f"alliance-data {name}", parent=context, **settings)
        lines += ["", f"## alliance-data {name}", "", "```", command.get_help(sub).rstrip(), "```"]
    return "\n".join(lines) + "\n"


def release_history(releases_dir: Path = Path("releases")) -> str:
    index_path = releases_dir / "index.json"
    releases = json.loads(index_path.read_text(encoding="utf-8"))["releases"] if index_path.exists() else []
    lines = [
        "# Release history",
        "",
        "<!-- Generated from releases/index.json by `alliance-data docs`; do not edit. -->",
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


ARTICLE_TABLES = ("sources", "sections", "claims", "claim_actors", "actors", "topics", "claim_links")


def article_pages() -> dict[str, str]:
    """The article page of every packaged source (article/<source_id>.html), self-contained."""
    import alliance_data

    from .article import article_html
    from .figures import _records

    tables = {name: _records(alliance_data.load(name)) for name in ARTICLE_TABLES}
    return {
        f"article/{source['source_id']}.html": article_html(
            alliance_data.source_text(source["source_id"]), tables, source["source_id"]
        )
        for source in tables["sources"]
    }


def pages() -> dict[str, str]:
    """Path under docs/ -> content of every generated page."""
    return {
        "codebook.md": codebook.render(),
        "cli.md": cli_reference(),
        "releases.md": release_history(),
        **article_pages(),
    }


def write_pages(docs_dir: Path = Path("docs")) -> list[Path]:
    written = []
    for name, content in pages().items():
        path = docs_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written
