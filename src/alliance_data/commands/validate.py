from __future__ import annotations

from pathlib import Path

import click

from ..problems import MAX_PROBLEMS
from .common import data_dir_argument, needs_extra, reports_errors


@click.command()
@data_dir_argument
@click.option("--json", "as_json", is_flag=True, help="Print the verdict and the problems as JSON.")
@click.option(
    "--max-problems",
    type=click.IntRange(min=1),
    default=MAX_PROBLEMS,
    show_default=True,
    help="List this many problems in full; the rest are counted by kind.",
)
@click.option("--all", "show_all", is_flag=True, help="List every problem in full, however many.")
@reports_errors
@needs_extra("curate")
def validate(data_dir: Path, as_json: bool, max_problems: int, show_all: bool) -> None:
    """Validate every record and table of DATA_DIR (default ./data); list every problem.

    \b
    Examples:
      alliance-data validate
      alliance-data validate ../my-copy/data --json | jq '.problems[].message'
      alliance-data validate --all
    """
    import json
    import sys
    from dataclasses import asdict

    from ..curation.validate import row_counts
    from ..curation.validate import validate as run
    from ..problems import ValidationFailed

    try:
        dataset = run(data_dir, None if show_all else max_problems)
    except ValidationFailed as error:
        if not as_json:
            raise
        verdict = {
            "valid": False,
            "problem_count": error.total,
            "problems": [asdict(p) for p in error.problems],
            "more_by_kind": error.more,
        }
        click.echo(json.dumps(verdict, indent=2))
        sys.exit(1)
    counts = row_counts(dataset)
    if as_json:
        click.echo(json.dumps({"valid": True, "rows": counts, "problems": []}, indent=2))
    else:
        from ..escaping import for_terminal

        click.echo(f"{for_terminal(data_dir)}: valid ({', '.join(f'{n} {name}' for name, n in counts.items())})")
