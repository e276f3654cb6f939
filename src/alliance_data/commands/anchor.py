from __future__ import annotations

from pathlib import Path

import click

from .common import needs_extra, reports_errors


@click.command()
@click.argument("source_file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.argument("quote")
@click.option("--occurrence", default=1, show_default=True, help="Which occurrence of QUOTE to anchor.")
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

    text = source_file.read_bytes().decode("utf-8")
    try:
        found = find(text, quote, occurrence)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="QUOTE") from None
    fields = {key: getattr(found, key) for key in ("quote", "char_start", "char_end", "prefix", "suffix")}
    click.echo(yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=1000), nl=False)
