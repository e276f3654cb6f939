from __future__ import annotations

import sys
from pathlib import Path

import click

from ..escaping import json_for_terminal
from .common import data_dir_argument, needs_extra, output_console, reports_errors


@click.command()
@data_dir_argument
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON for scripts.")
@reports_errors
@needs_extra("curate")
def coverage(data_dir: Path, as_json: bool) -> None:
    """How many sentences of each section a claim covers; list the excluded and uncovered ones,
    the claims in no link and the candidate link signals never decided.

    Exits 1 when a sentence is uncovered, an exclusion is stale or a signal is undecided.

    \b
    Examples:
      alliance-data coverage
      alliance-data coverage --json | jq '.uncovered'
    """
    from rich.markup import escape
    from rich.table import Table

    from ..curation import coverage as report
    from ..curation.validate import validate
    from ..escaping import for_terminal
    from ..problems import ProblemList

    dataset = validate(data_dir)
    problems = ProblemList()
    exclusions = report.read_exclusions(data_dir, problems)
    problems.raise_if_any()
    units = report.sentences(dataset, exclusions)
    stale = report.stale_exclusions(units, exclusions)
    uncovered = [u for u in units if u.status == "uncovered"]
    undecided = report.undecided_signals(dataset)
    if as_json:
        click.echo(json_for_terminal({**report.as_json(units, dataset), "stale_exclusions": stale}, indent=2))
    else:
        console = output_console()
        table = Table("section", "sentences", "covered", "excluded", "uncovered", title="Coverage by claims")
        for row in report.summary(units):
            table.add_row(*(escape(for_terminal(value)) for value in row.values()))
        console.print(table)
        for title, status in (("Excluded", "excluded"), ("Uncovered", "uncovered")):
            chosen = [u for u in units if u.status == status]
            console.print(f"\n[bold]{title} ({len(chosen)})[/bold]")
            for u in chosen:
                line = f"  {u.section_id} {u.char_start}..{u.char_end} [{u.reason or 'no reason'}] {u.text}"
                console.print(escape(for_terminal(line)))
        unlinked = report.unlinked_claims(dataset)
        console.print(f"\n[bold]Claims in no link ({len(unlinked)})[/bold]")
        for row in unlinked:
            console.print(escape(for_terminal(f"  {row['claim_id']} ({row['kind']}): {row['reason']}")))
        console.print(f"\n[bold]Candidate link signals never decided ({len(undecided)})[/bold]")
        for row in undecided:
            line = f"  {row['section_id']} {row['signal_start']}..{row['signal_end']} {row['signal_quote']!r}"
            console.print(escape(for_terminal(line)))
        for message in stale:
            console.print(f"[red]stale exclusion:[/red] {escape(for_terminal(message))}")
    if uncovered or stale or undecided:
        sys.exit(1)
