from __future__ import annotations

from pathlib import Path

import click

from .common import data_dir_argument, reports_errors


@click.command()
@data_dir_argument
@reports_errors
def package(data_dir: Path) -> None:
    """Refresh the data shipped inside the package (src/alliance_data/data), the index of the
    published releases it ships (from releases/index.json) and the JSON Schema files.

    \b
    Examples:
      alliance-data package            # after editing data/
      alliance-data package my-data/   # a curator's copy
    """
    from ..build import PACKAGE_DATA_DIR
    from ..build import package as run
    from ..exports.json_schema import write_schemas
    from ..release.trust import write_packaged_index

    result = run(data_dir)
    write_packaged_index()
    schemas = write_schemas(Path("schema"))
    click.echo(f"refreshed {PACKAGE_DATA_DIR} ({len(result.files)} files) and {len(schemas)} schema files in schema/")
