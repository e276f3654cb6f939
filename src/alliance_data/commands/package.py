from __future__ import annotations

from pathlib import Path

import click

from .common import data_dir_argument, reports_errors


@click.command()
@data_dir_argument
@reports_errors
def package(data_dir: Path) -> None:
    """Refresh the data shipped inside the package (src/alliance_data/data), the JSON Schema files
    and docs/codebook.md."""
    from ..build import PACKAGE_DATA_DIR
    from ..build import package as run
    from ..exports.json_schema import write_schemas
    from ..release import codebook

    result = run(data_dir)
    schemas = write_schemas(Path("schema"))
    Path("docs").mkdir(exist_ok=True)
    Path("docs/codebook.md").write_text(codebook.render(), encoding="utf-8")
    click.echo(
        f"refreshed {PACKAGE_DATA_DIR} ({len(result.files)} files), {len(schemas)} schema files in schema/ "
        "and docs/codebook.md"
    )
