"""Datasette metadata generated from the models and the table registry (never written twice)."""

from __future__ import annotations

from html import escape

from .. import about
from ..registry import TABLES, Table
from .limits import MAX_RESPONSE_BYTES, SQL_THREADS

DATABASE_NAME = "alliance"
FILES_MOUNT = "files"

# Settings, each with why. The database is small (under 1 MB) and read-only.
SETTINGS = {
    # Analysts' real queries here finish in milliseconds; one second is ample headroom and
    # stops runaway queries (recursive CTEs, cross joins) before they tie up a thread.
    "sql_time_limit_ms": 1000,
    # Every table but the largest fits in one response; CSV export streams the rest.
    "max_returned_rows": 1000,
    # Facets run on indexed columns of small tables; 500 ms is never reached in practice.
    "facet_time_limit_ms": 500,
    "default_page_size": 50,
    # The whole database file (under 1 MB) is a download like the table files; within the response cap.
    "allow_download": True,
    "suggest_facets": False,
    # Threads that run SQL: the heavy requests the guard admits at once, and four for every other page.
    "num_sql_threads": SQL_THREADS,
    # Datasette's own CSV cap truncates with a 200; set above the response cap so that ours (a 413) acts first.
    "max_csv_mb": MAX_RESPONSE_BYTES // 2**20 + 1,
}

# Default facets are shown on tables up to this many rows. Each facet is a GROUP BY over the
# whole table: at 1M synthetic claims about 0.2 s each even on an index, so five default facets
# made every claims page take 1.1 s. Beyond this size a facet is one click away instead, and
# one facet still fits in facet_time_limit_ms (see docs/benchmarks.md).
DEFAULT_FACETS_MAX_ROWS = 100_000

DEFAULT_FACETS = {
    "claims": ["kind", "topic_id", "certainty", "time_frame", "section_id"],
    "claim_actors": ["actor_id", "role"],
    "actor_pairs": ["dyad"],
    "actors": ["actor_type"],
    "topics": ["kind"],
    "claim_links": ["relation", "basis"],
    "second_coding": ["kind", "certainty"],
    "coding_decisions": ["field"],
}
SORT = {"claims": "claim_id", "actors": "name", "topics": "topic_id", "sections": "section_id"}

QUERIES = {
    # Lists are in reading order: by source, then offset (sections are consecutive spans of their
    # source). `claims c cross join ...` makes SQLite walk the claims in that order along an index
    # and stop at the page's last row, instead of sorting every match (see exports/sqlite.py).
    "claims_by_actor": {
        "title": "Claims involving an actor",
        "description": "Every claim an actor takes part in, with its role, in reading order. "
        "Try IRN, RUS, USA, WEST or SOVIET_UNION.",
        "sql": (
            "select c.claim_id, ca.role, c.kind, t.label as topic, c.certainty, c.time_frame, c.statement, c.quote\n"
            "from claims c cross join claim_actors ca on ca.claim_id = c.claim_id and ca.actor_id = :actor_id\n"
            "cross join topics t on t.topic_id = c.topic_id\n"
            "order by c.source_id, c.char_start, c.char_end"
        ),
    },
    "drivers_with_evidence": {
        "title": "Every driver with its evidence",
        "description": "The drivers of the rapprochement, each with the quote that supports it and the "
        "claims it drives.",
        "sql": (
            "select t.label as driver, c.claim_id, c.statement, c.quote as evidence, c.certainty,\n"
            "  (select group_concat(l.relation || ' ' || l.to_claim, '; ') from claim_links l\n"
            "   where l.from_claim = c.claim_id) as leads_to\n"
            "from topics t cross join claims c on c.topic_id = t.topic_id\n"
            "where +t.kind = 'driver' and c.kind = 'driver'  -- '+': walk topics in id order, not by kind\n"
            "order by t.topic_id, c.source_id, c.char_start, c.char_end"
        ),
    },
    "outlook_and_risks": {
        "title": "Outlook and risks side by side",
        "description": "Each forecast next to the risks the author says endanger it.",
        "sql": (
            "select o.claim_id as outlook_id, o.statement as outlook, o.certainty as outlook_certainty,\n"
            "  r.claim_id as risk_id, r.statement as risk, r.certainty as risk_certainty\n"
            "from claims o\n"
            "left join claim_links l  -- '+': find links by outlook, then keep the risks\n"
            "  on l.to_claim = o.claim_id and +l.relation = 'poses_risk_to'\n"
            "left join claims r on r.claim_id = l.from_claim\n"
            "where o.kind = 'outlook'\norder by o.source_id, o.char_start, o.char_end, r.source_id, r.char_start"
        ),
    },
    "actor_pair_counts": {
        "title": "Actors that appear together",
        "description": "Pairs of actors by the number of claims they share (from the actor_pairs table).",
        "sql": (
            "select p.dyad, a.name as actor_a, b.name as actor_b, p.claims\n"
            "from (select dyad, actor_a, actor_b, count(*) as claims from actor_pairs group by dyad) p\n"
            "join actors a on a.actor_id = p.actor_a join actors b on b.actor_id = p.actor_b\n"
            "order by p.claims desc, p.dyad"
        ),
    },
    "claims_in_reading_order": {
        "title": "Claims by section, in reading order",
        "description": "The article's argument as the author makes it, section by section.",
        "sql": (
            "select s.ordinal as section, s.short_name, c.claim_id, c.kind, c.certainty, c.statement, c.quote\n"
            "from claims c cross join sections s on s.section_id = c.section_id\n"
            "order by c.source_id, c.char_start, c.char_end"
        ),
    },
    "what_follows_from_a_topic": {
        "title": "What follows from a topic",
        "description": "Claims the text links from claims of a topic, e.g. driver-shared-pressure "
        "(what the article says follows from sanctions pressure).",
        "sql": (
            "select f.claim_id as from_claim, f.statement as cause, l.relation, t.claim_id as to_claim,\n"
            "  t.kind, t.statement as consequence, l.justification\n"
            "from claim_links l join claims f on f.claim_id = l.from_claim join claims t on t.claim_id = l.to_claim\n"
            "where f.topic_id = :topic_id\norder by f.source_id, f.char_start, f.char_end, t.source_id, t.char_start"
        ),
    },
}


def _files_html(table: Table, release: str | None, available: set[str]) -> str:
    links = [
        f'<a href="/{FILES_MOUNT}/{table.name}.{ext}">{table.name}.{ext}</a>'
        for ext in ("parquet", "csv")
        if f"{table.name}.{ext}" in available
    ]
    where = f"release v{release}" if release else f"the installed package (version {about.__version__})"
    return f"<p>The whole table, from {where}: {' · '.join(links)}.</p>" if links else ""


def home_html(release: str | None) -> str:
    version = release or about.__version__
    return (
        f"<p>{escape(about.DESCRIPTION)}</p>"
        f"<p><strong>Cite:</strong> {escape(about.citation(version))}</p>"
        '<p>See <a href="/argument-map">the argument map</a>: the article\'s reasoning at a glance.</p>'
    )


def metadata(
    release: str | None = None, available_files: set[str] | None = None, row_counts: dict[str, int] | None = None
) -> dict:
    """Datasette metadata; `row_counts` (by table) decides where default facets go."""
    available = available_files or set()
    counts = row_counts or {}
    tables = {}
    for table in TABLES:
        entry = {
            "description_html": f"<p>{escape(table.description)}</p>" + _files_html(table, release, available),
            "columns": {column.name: column.description for column in table.columns},
        }
        if table.label_column:
            entry["label_column"] = table.label_column
        if table.name in DEFAULT_FACETS and counts.get(table.name, 0) <= DEFAULT_FACETS_MAX_ROWS:
            entry["facets"] = DEFAULT_FACETS[table.name]
        if table.name in SORT:
            entry["sort"] = SORT[table.name]
        tables[table.name] = entry
    return {
        "title": about.TITLE,
        "description_html": home_html(release),
        "license": about.LICENSE,
        "license_url": "https://creativecommons.org/licenses/by/4.0/",
        "source": "“Iran And Russia: A Deepening Alliance”, Jhon Lennon (URL and date unknown; see the sources table)",
        "source_url": f"/{DATABASE_NAME}/sources",
        "about": "alliance-data",
        "about_url": about.HOMEPAGE,
        "databases": {DATABASE_NAME: {"tables": tables, "queries": QUERIES}},
    }
