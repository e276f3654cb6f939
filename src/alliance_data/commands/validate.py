from __future__ import annotations

from pathlib import Path

import click

from .common import data_dir_argument, reports_errors


@click.command()
@data_dir_argument
@click.option("--json", "as_json", is_flag=True, help="Print the verdict and every problem as JSON.")
@reports_errors
def validate(data_dir: Path, as_json: bool) -> None:
    """Validate every record and table of DATA_DIR (default ./data); list every problem.

    \b
    Examples:
      alliance-data validate
      alliance-data validate ../my-copy/data --json | jq '.problems[].message'
    """
    import json
    import sys
    from dataclasses import asdict

    from ..problems import ValidationFailed
    from ..validate import row_counts
    from ..validate import validate as run

    try:
        dataset = run(data_dir)
    except ValidationFailed as error:
        if not as_json:
            raise
        click.echo(json.dumps({"valid": False, "problems": [asdict(p) for p in error.problems]}, indent=2))
        sys.exit(1)
    counts = row_counts(dataset)
    if as_json:
        click.echo(json.dumps({"valid": True, "rows": counts, "problems": []}, indent=2))
    else:
        click.echo(f"{data_dir}: valid ({', '.join(f'{n} {name}' for name, n in counts.items())})")
