"""Datasette metadata generated from the models and the table registry (never written twice)."""

from __future__ import annotations

from html import escape

from .. import about
from ..codebook.registry import TABLES, Table
from ..codebook.vocabulary import LEADS_TO, LinkRelation
from ..release.croissant import dataset_jsonld_block
from .bounds import MAX_RESPONSE_BYTES, SQL_THREADS

DATABASE_NAME = "alliance"
FILES_MOUNT = "files"

# Settings, each with why. The database is small and read-only.
SETTINGS = {
    # Analysts' real queries here finish in milliseconds; one second is ample headroom and
    # stops runaway queries (recursive CTEs, cross joins) before they tie up a thread.
    "sql_time_limit_ms": 1000,
    # Every table but the largest fits in one response; CSV export streams the rest.
    "max_returned_rows": 1000,
    # Facets run on indexed columns of small tables, far inside this limit.
    "facet_time_limit_ms": 500,
    "default_page_size": 50,
    # The whole database file is a download like the table files; within the response cap.
    "allow_download": True,
    "suggest_facets": False,
    # Threads that run SQL: the heavy requests the guard admits at once, and four for every other page.
    "num_sql_threads": SQL_THREADS,
    # Datasette's own CSV cap truncates with a 200; set above the response cap so that ours (a 413) acts first.
    "max_csv_mb": MAX_RESPONSE_BYTES // 2**20 + 1,
}

# Default facets are shown on tables up to this many rows. Each facet is a GROUP BY over the
# whole table, even on an index, so on a large table default facets would slow every page of it.
# Beyond this size a facet is one click away instead, and one facet still fits in
# facet_time_limit_ms (measured in docs/benchmarks.md).
DEFAULT_FACETS_MAX_ROWS = 100_000

# On claims: the short facets a reader uses first, and actors through claim_actors (the actor
# facet of the reader plugin); the 30 topics are one click away (a column's menu). Kind and
# certainty keep the codebook's order (the codebook facet of the reader plugin), not counts'.
DEFAULT_FACETS = {
    "claims": [{"codebook": "kind"}, {"codebook": "certainty"}, "section_id", {"actor": "actor_id"}],
    "claim_actors": ["actor_id", "role"],
    "actor_pairs": ["dyad"],
    "actors": ["actor_type"],
    "topics": [{"codebook": "kind"}],
    "claim_links": ["relation", "basis"],
    "second_coding": [{"codebook": "kind"}, {"codebook": "certainty"}],
    "coding_decisions": ["field"],
}
# Short facet lists, so the first rows show on the first screen ("…" opens the rest).
FACET_SIZE = {"claims": 6}
SORT = {"claims": "claim_id", "actors": "name", "topics": "topic_id", "sections": "section_id"}

# Readers' queries: statements wherever there are claim ids (each id links to its row and its
# place in the article), pages of PAGE_SIZE rows chosen with :page, SQL hidden (one click away).
# Lists are in reading order: by source, then offset (sections are consecutive spans of their
# source). `claims c cross join ...` makes SQLite walk the claims in that order along an index
# and stop at the page's last row, instead of sorting every match (see exports/sqlite.py).
# In drivers_with_evidence, '+t.kind' walks topics in id order, not by kind; in
# outlook_and_risks, '+l.relation' finds links by outlook, then keeps the risks (and in
# what_follows_from_a_topic, finds links by claim of the topic, then keeps what follows).
PAGE_SIZE = 50
PAGE = f"limit {PAGE_SIZE} offset {PAGE_SIZE} * (max(cast(coalesce(nullif(:page, ''), '1') as integer), 1) - 1)"
PAGE_NOTE = f" {PAGE_SIZE} rows a page: set page to 2, 3, … for the next ones."

# The queries about what follows from a claim show only the relations that lead somewhere.
FOLLOWS = LEADS_TO
FOLLOWS_SQL = ", ".join(f"'{relation.value}'" for relation in FOLLOWS)


def meanings(relations) -> str:
    """What each relation means, in the codebook's words ('drives: the first claim is …')."""
    return "; ".join(
        f"{relation.value.replace('_', ' ')}: {relation.description[0].lower()}{relation.description[1:].rstrip('.')}"
        for relation in relations
    )


QUERIES = {
    "claims_by_actor": {
        "title": "Claims involving an actor",
        "description": "Every claim an actor takes part in, with its role, in reading order. Choose an actor "
        "(every claim with its actors when none is chosen)." + PAGE_NOTE,
        "sql": (
            "select c.claim_id, c.statement, a.name as actor, ca.role, c.kind, t.label as topic, c.certainty,\n"
            "  c.time_frame, c.quote\n"
            "from claims c cross join claim_actors ca\n"
            "  on ca.claim_id = c.claim_id and (:actor_id = '' or ca.actor_id = :actor_id)\n"
            "cross join actors a on a.actor_id = ca.actor_id\n"
            "cross join topics t on t.topic_id = c.topic_id\n"
            f"order by c.source_id, c.char_start, c.char_end\n{PAGE}"
        ),
    },
    "search_claims": {
        "title": "Search the claims",
        "description": "Claims whose statement or quote contains your words, the best matches first, the "
        "match highlighted." + PAGE_NOTE,
        "sql": (
            "select c.claim_id, c.statement,\n"
            "  snippet(claims_fts, -1, char(57344), char(57345), '…', 16) as match, c.kind, c.certainty\n"
            "from claims_fts join claims c on c.rowid = claims_fts.rowid\n"
            "where claims_fts match fts_terms(:q)\n"
            f"order by rank\n{PAGE}"
        ),
    },
    "drivers_with_evidence": {
        "title": "Every driver with its evidence",
        "description": "The drivers of the rapprochement, each with the quote that supports it and what the "
        f"author says it leads to ({meanings(FOLLOWS)})." + PAGE_NOTE,
        "sql": (
            "select t.label as driver, c.claim_id, c.statement, c.quote as evidence, c.certainty,\n"
            "  (select group_concat(replace(l.relation, '_', ' ') || ': ' || o.statement, ' · ')\n"
            "   from claim_links l join claims o on o.claim_id = l.to_claim\n"
            f"   where l.from_claim = c.claim_id and l.relation in ({FOLLOWS_SQL})) as leads_to\n"
            "from topics t cross join claims c on c.topic_id = t.topic_id\n"
            "where +t.kind = 'driver' and c.kind = 'driver'\n"
            f"order by t.topic_id, c.source_id, c.char_start, c.char_end\n{PAGE}"
        ),
    },
    "outlook_and_risks": {
        "title": "Outlook and risks side by side",
        "description": "Each forecast next to the risks the author says endanger it (links that "
        f"{LinkRelation.POSES_RISK_TO.value.replace('_', ' ')}: a risk endangers a forecast); a forecast with no "
        "risk set against it shows none." + PAGE_NOTE,
        "sql": (
            "select o.claim_id as outlook_id, o.statement as outlook, o.certainty as outlook_certainty,\n"
            "  r.claim_id as risk_id, r.statement as risk, r.certainty as risk_certainty\n"
            "from claims o\n"
            "left join claim_links l on l.to_claim = o.claim_id and +l.relation = 'poses_risk_to'\n"
            "left join claims r on r.claim_id = l.from_claim\n"
            "where o.kind = 'outlook'\n"
            f"order by o.source_id, o.char_start, o.char_end, r.source_id, r.char_start\n{PAGE}"
        ),
    },
    "actor_pair_counts": {
        # The form for a database without the precomputed counts (releases before 3.0.0); see
        # queries_for.
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
        "description": "The article's argument as the author makes it, section by section." + PAGE_NOTE,
        "sql": (
            "select s.ordinal as section, s.short_name, c.claim_id, c.statement, c.kind, c.certainty, c.quote\n"
            "from claims c cross join sections s on s.section_id = c.section_id\n"
            f"order by c.source_id, c.char_start, c.char_end\n{PAGE}"
        ),
    },
    "what_follows_from_a_topic": {
        "title": "What follows from a topic",
        "description": "What the author says follows from the claims of a topic: choose a topic, e.g. shared "
        "pressure and threats (what follows from sanctions pressure). Each row is a claim of the topic, how "
        f"it leads to another ({meanings(FOLLOWS)}), and that other claim." + PAGE_NOTE,
        "sql": (
            "select f.claim_id as from_claim, f.statement as claim, replace(l.relation, '_', ' ') as relation,\n"
            "  t.claim_id as to_claim, t.kind, t.statement as what_follows, l.justification\n"
            "from claim_links l join claims f on f.claim_id = l.from_claim join claims t on t.claim_id = l.to_claim\n"
            f"where f.topic_id = :topic_id and +l.relation in ({FOLLOWS_SQL})\n"
            f"order by f.source_id, f.char_start, f.char_end, t.source_id, t.char_start\n{PAGE}"
        ),
    },
}
for query in QUERIES.values():
    query["hide_sql"] = True


def _files_html(table: Table, release: str | None, available: set[str]) -> str:
    links = [
        f'<a href="/{FILES_MOUNT}/{table.name}.{ext}">{table.name}.{ext}</a>'
        for ext in ("parquet", "csv")
        if f"{table.name}.{ext}" in available
    ]
    where = f"release v{release}" if release else f"the installed package (version {about.__version__})"
    return f"<p>The whole table, from {where}: {' · '.join(links)}.</p>" if links else ""


def _releases_item() -> str:
    # A link only to an address the dataset has (about.PUBLIC_BASE_URL); until then, where they are.
    what = "<strong>Download a release</strong> (Parquet, CSV, SQLite, the text)"
    if about.PUBLIC_BASE_URL:
        return f'<a href="{escape(about.PUBLIC_BASE_URL)}">{what}</a>'
    return f"{what} from the repository's <code>releases/</code> folder"


def home_html(release: str | None) -> str:
    version = release or about.__version__
    download = f"/{FILES_MOUNT}/{DATABASE_NAME}.db"
    return (
        '<p class="lead">Every claim of the article “Iran And Russia: A Deepening Alliance”, each tied to the '
        "author's exact words, with its kind, topic, actors and certainty.<br>Claims are the author's views, not "
        "established facts: the data records what the article says, how firmly, and where.</p>"
        '<ul class="ways-in">'
        '<li><a href="/article"><strong>Read the article</strong></a> with every claim highlighted in place</li>'
        f'<li><a href="/{DATABASE_NAME}/claims"><strong>Browse the claims</strong></a> '
        f'or <a href="/{DATABASE_NAME}/search_claims">search them</a></li>'
        f'<li>{_releases_item()} or <a href="{download}">this database</a></li>'
        "</ul>"
        '<p><a href="/argument-map"><img src="/-/argument-map.svg" alt="The argument map by topic: drivers lead to '
        'areas of cooperation, implications, outlook and risks (open the full map)" '
        'style="width: 100%; max-width: 1100px; height: auto; border: 1px solid #ddd"></a></p>'
        f"<p><strong>Cite:</strong> {escape(about.citation(version))}</p>"
        # The schema.org Dataset that search engines and dataset search read (as docs/index.md has it).
        f"{dataset_jsonld_block()}"
    )


# The full-text index (claims_fts) holds the statement and the quote, not the claim's id: a query
# joins it to claims on rowid.
FTS_JOIN_EXAMPLE = (
    "select c.claim_id, c.statement from claims_fts join claims c on c.rowid = claims_fts.rowid "
    "where claims_fts match 'sanctions' order by rank"
)
SEARCH_HINT = (
    f'<p>Read every claim in its place in <a href="/article">the article</a>. The search box above, with no '
    f'filter chosen, <a href="/{DATABASE_NAME}/search_claims">searches the claims</a>: the best matches first, '
    "your words highlighted; with a filter chosen, it keeps the filter and the claims' order.</p>"
    "<p>In SQL, the full-text index <code>claims_fts</code> holds each claim's statement and quote, not its id: "
    f"join it to claims on rowid, e.g. <code>{escape(FTS_JOIN_EXAMPLE)}</code>.</p>"
)


def columns_html(table: Table) -> str:
    """The column descriptions, folded so they do not push the rows off the first screen."""
    items = "".join(f"<dt>{escape(column.name)}</dt><dd>{escape(column.description)}</dd>" for column in table.columns)
    return f"<details><summary>What each column means</summary><dl>{items}</dl></details>"


# actor_pair_counts read from the counts the build precomputes (exports/sqlite.py), where they are.
PRECOMPUTED_PAIR_COUNTS_SQL = (
    "select p.dyad, a.name as actor_a, b.name as actor_b, p.claims\n"
    "from dyad_counts p\n"
    "join actors a on a.actor_id = p.actor_a join actors b on b.actor_id = p.actor_b\n"
    "order by p.claims desc, p.dyad"
)


def queries_for(tables: set[str]) -> dict:
    """The canned queries for a database holding `tables`: the pair counts read precomputed
    where the database has them."""
    if "dyad_counts" not in tables:
        return QUERIES
    return {**QUERIES, "actor_pair_counts": {**QUERIES["actor_pair_counts"], "sql": PRECOMPUTED_PAIR_COUNTS_SQL}}


def metadata(
    release: str | None = None, available_files: set[str] | None = None, row_counts: dict[str, int] | None = None
) -> dict:
    """Datasette metadata; `row_counts` (by table) decides where default facets go."""
    available = available_files or set()
    counts = row_counts or {}
    tables = {}
    for table in TABLES:
        entry = {
            "description_html": f"<p>{escape(table.description)}</p>"
            + _files_html(table, release, available)
            + (f"<p>{escape(about.SOURCE_TEXT_STATUS)}</p>" if table.name == "sources" else "")
            + (SEARCH_HINT if table.name == "claims" else "")
            + columns_html(table),
        }
        if table.label_column:
            entry["label_column"] = table.label_column
        if table.name in DEFAULT_FACETS and counts.get(table.name, 0) <= DEFAULT_FACETS_MAX_ROWS:
            entry["facets"] = DEFAULT_FACETS[table.name]
        if table.name in FACET_SIZE:
            entry["facet_size"] = FACET_SIZE[table.name]
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
        **({"about_url": about.PUBLIC_BASE_URL} if about.PUBLIC_BASE_URL else {}),
        "databases": {DATABASE_NAME: {"tables": tables, "queries": queries_for(set(counts))}},
    }
