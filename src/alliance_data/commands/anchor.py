from __future__ import annotations

from pathlib import Path

import click

from .common import needs_extra, reports_errors


def _source_text(source_file: Path) -> str:
    """The text of SOURCE_FILE, read as the build reads a source text: a regular file, bounded,
    strict UTF-8 (offsets index the text exactly as stored)."""
    from ..curation.reading import MAX_SOURCE_BYTES
    from ..filesystem.bounded_read import read_utf8_inside
    from ..problems import ProblemList

    problems = ProblemList()
    text = read_utf8_inside(
        source_file,
        None,
        MAX_SOURCE_BYTES,
        problems,
        str(source_file),
        "a source text",
        named="source text",
        fix="store the text as UTF-8 (a UTF-16 file must be converted: iconv -f UTF-16 -t UTF-8)",
        check="source_text_not_utf8",
    )
    if text is not None:
        return text
    problems.raise_if_any()
    raise AssertionError("unreachable: a problem was added")


@click.command()
@click.argument("source_file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.argument("quote")
@click.option(
    "--occurrence",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Which occurrence of QUOTE to anchor (1 for the first).",
)
@reports_errors
@needs_extra("curate")
def anchor(source_file: Path, quote: str, occurrence: int) -> None:
    """Print the anchor fields (quote, offsets, prefix, suffix) of QUOTE in SOURCE_FILE, ready to paste.

    \b
    Examples:
      alliance-data anchor data/sources/irda.txt "Economic and Trade Relations are a cornerstone."
    """
    import yaml

    from ..curation.anchoring import anchor as find

    if not quote:
        raise click.BadParameter("the quote is empty: give the exact text to anchor", param_hint="QUOTE")
    text = _source_text(source_file)
    try:
        found = find(text, quote, occurrence)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="QUOTE") from None
    fields = {key: getattr(found, key) for key in ("quote", "char_start", "char_end", "prefix", "suffix")}
    click.echo(yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=1000), nl=False)
