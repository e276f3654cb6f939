from __future__ import annotations

from pathlib import Path

import click

from .common import data_dir_argument, needs_extra, reports_errors

REPORT = Path("docs") / "reliability.md"
# The links the blind second coding is also compared with: those of the first release, coded
# before the critical reading (published, so never changed).
RELEASES = Path("releases")
FIRST_RELEASE = "1.0.0"


def _first_release_links() -> tuple[list[dict], str]:
    """The first release's links, read as `diff` reads a release: verified first (checksums, the
    indexes, its formats), then its table checked against its manifest; none outside a clone."""
    from ..release.trust import verify_release
    from ..release.verified_tables import read_verified_tables

    place = RELEASES / f"v{FIRST_RELEASE}"
    if not (place.exists() or place.is_symlink()):
        return [], ""
    verified = verify_release(FIRST_RELEASE, RELEASES)
    return read_verified_tables(verified.directory)["claim_links"].to_pylist(), f"release {place.name}"


@click.command()
@data_dir_argument
@click.option("--write/--print", default=True, show_default=True, help=f"Write {REPORT} or print to stdout.")
@reports_errors
@needs_extra("curate")
def reliability(data_dir: Path, write: bool) -> None:
    """Report agreement between the two codings (kappa per field, claim spans, links) and every decision.

    \b
    Examples:
      alliance-data reliability
      alliance-data reliability --print
    """
    from ..curation.reliability import report, write_report
    from ..curation.validate import validate

    dataset = validate(data_dir)
    used = ("claims", "second_coding", "coding_decisions", "second_segmentation", "sections", "claim_links")
    rows = {name: dataset.table(name).to_pylist() for name in (*used, "second_links")}
    earlier, label = _first_release_links()
    text = report(
        rows["claims"],
        rows["second_coding"],
        rows["coding_decisions"],
        segments=rows["second_segmentation"],
        sections=rows["sections"],
        links=rows["claim_links"],
        second_links=rows["second_links"],
        earlier_links=earlier,
        earlier_label=label,
    )
    if write:
        write_report(text, REPORT)
        click.echo(f"wrote {REPORT}")
    else:
        click.echo(text, nl=False)
