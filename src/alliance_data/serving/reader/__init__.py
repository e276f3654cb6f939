"""Pages for readers, as a Datasette plugin: the article with every claim in its place, the
source text, a scalable argument map, claims filtered and faceted by actor (through
claim_actors), links from every claim to its place in the article, highlighted search
snippets, and the valid choices for the canned queries' parameters.

Every page is drawn from the served (immutable) database, so what is rendered once per server
is cached. Responses stay bounded: the article page refuses a source with more claims than a
reader's page can hold.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import weakref
from html import escape
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.utils import escape_fts, to_css_class
from datasette.utils.asgi import Response, asgi_send_redirect
from markupsafe import Markup
from markupsafe import escape as escape_html

from ...codebook.identifiers import CLAIM_ID, SOURCE_ID
from ...escaping import for_inline_script
from ..metadata import DATABASE_NAME as DATABASE
from ..metadata import PAGE_SIZE

# Above this many claims a source's article page would be megabytes: refuse it plainly.
MAX_ARTICLE_CLAIMS = 5_000
# The columns a reader needs first in the claims table; the actors follow them.
READER_LEAD = ("statement", "kind", "topic_id", "certainty")
CLAIM_COLUMNS = {"claim_id", "from_claim", "to_claim", "outlook_id", "risk_id"}
# Search snippets mark the match with two private-use characters; render_cell turns them into <mark>.
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
_claim = re.compile(CLAIM_ID)
_source = re.compile(SOURCE_ID)
_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _memo(datasette) -> dict:
    return _cache.setdefault(datasette, {})


def source_of(claim_id: str) -> str:
    return claim_id.rsplit("-s", 1)[0]


def article_url(claim_id: str) -> str:
    return f"/article/{source_of(claim_id)}#{claim_id}"


def nav() -> list[tuple[str, str]]:
    return [("Home", "/"), ("Browse the claims", "/alliance/claims"), ("Argument map", "/argument-map")]


# --- the source text and the article ---------------------------------------------------------


def _dicts(conn, sql: str, params=()) -> list[dict]:
    cursor = conn.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


async def _rows(db, sql: str, params=()) -> list[dict]:
    return [dict(row) for row in (await db.execute(sql, params)).rows]


async def source_bytes(datasette, source_id: str) -> bytes | None:
    """The source's text beside the served database (sources/<id>.txt), or the installed
    package's, whichever matches the sha256 the database records; None if neither does."""
    db = datasette.get_database(DATABASE)
    found = await _rows(db, "select sha256 from sources where source_id = ?", [source_id])
    if not found:
        return None
    expected = found[0]["sha256"]
    candidates = [Path(db.path).parent / "sources" / f"{source_id}.txt"] if db.path else []
    for path in candidates:
        if path.is_file():
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() == expected:
                return data
    from ...reader import loading

    try:
        data = loading.source_text(source_id).encode("utf-8")
    except (KeyError, loading.PackagedDataError):
        return None
    return data if hashlib.sha256(data).hexdigest() == expected else None


def _article_rows(conn, source_id: str) -> dict[str, list[dict]]:
    in_source = "select claim_id from claims where source_id = ?"
    return {
        "sources": _dicts(conn, "select * from sources where source_id = ?", [source_id]),
        "sections": _dicts(conn, "select * from sections where source_id = ?", [source_id]),
        "claims": _dicts(conn, "select * from claims where source_id = ?", [source_id]),
        "claim_actors": _dicts(conn, f"select * from claim_actors where claim_id in ({in_source})", [source_id]),
        "actors": _dicts(conn, "select * from actors"),
        "topics": _dicts(conn, "select * from topics"),
        "claim_links": _dicts(
            conn,
            f"select * from claim_links where from_claim in ({in_source}) or to_claim in ({in_source})",
            [source_id, source_id],
        ),
    }


async def article_tables(datasette, source_id: str) -> dict[str, list[dict]]:
    """The rows an article page shows, read in one call to the SQL thread (see `_claim_row`)."""
    db = datasette.get_database(DATABASE)
    return await db.execute_fn(lambda conn: _article_rows(conn, source_id))


def _page(status: int, title: str, message: str) -> Response:
    body = f"<!DOCTYPE html><html lang='en'><title>{escape(title)}</title><h1>{escape(title)}</h1><p>{message}</p>"
    return Response.html(body, status=status)


async def render_article(datasette, source_id: str) -> Response:
    """The article page of a source, rendered once per server (one rendering at a time)."""
    memo = _memo(datasette)
    if ("article", source_id) in memo:
        return Response.html(memo["article", source_id])
    lock = memo.setdefault("lock", asyncio.Lock())
    async with lock:
        if ("article", source_id) in memo:
            return Response.html(memo["article", source_id])
        db = datasette.get_database(DATABASE)
        count = (await db.execute("select count(*) from claims where source_id = ?", [source_id])).rows[0][0]
        if count > MAX_ARTICLE_CLAIMS:
            return _page(
                413,
                "Too many claims for one page",
                f"Source {escape(source_id)} has {count:,} claims, more than the {MAX_ARTICLE_CLAIMS:,} an article "
                f'page shows. Browse them in <a href="/alliance/claims?source_id={escape(source_id)}">the claims '
                "table</a> instead.",
            )
        data = await source_bytes(datasette, source_id)
        if data is None:
            return _page(
                404,
                "No such article",
                f"No source {escape(source_id)} with its text here; the sources are listed in "
                '<a href="/alliance/sources">the sources table</a>.',
            )
        from ...rendering.article import article_html

        tables = await article_tables(datasette, source_id)
        memo["article", source_id] = article_html(
            data.decode("utf-8"),
            tables,
            source_id,
            row_base=f"/{DATABASE}",
            nav=nav(),
            text_href=f"/-/source/{source_id}.txt",
        )
        return Response.html(memo["article", source_id])


async def article_page(datasette, request):
    return await render_article(datasette, request.url_vars["source_id"])


# A server of a few sources renders their articles as it starts, so no reader waits for one.
WARM_SOURCES = 10


@hookimpl
def startup(datasette):
    async def inner():
        if DATABASE not in datasette.databases:
            return
        db = datasette.get_database(DATABASE)
        sources = [row[0] for row in (await db.execute(f"select source_id from sources limit {WARM_SOURCES + 1}")).rows]
        if len(sources) <= WARM_SOURCES:
            for source_id in sources:
                await render_article(datasette, source_id)

    return inner


async def article_index(datasette, request):
    db = datasette.get_database(DATABASE)
    first = (await db.execute("select source_id from sources order by source_id limit 1")).rows
    if not first:
        return _page(404, "No article", "The database holds no source.")
    return Response.redirect(f"/article/{first[0][0]}")


async def source_text_page(datasette, request):
    source_id = request.url_vars["source_id"]
    data = await source_bytes(datasette, source_id) if _source.match(source_id) else None
    if data is None:
        return Response.text(f"no text of source {source_id!r} here\n", status=404)
    return Response(data, content_type="text/plain; charset=utf-8", headers={"X-Content-Type-Options": "nosniff"})


# --- the argument map ------------------------------------------------------------------------


async def _maps(datasette) -> dict[str, str]:
    memo = _memo(datasette)
    if "maps" not in memo:
        from ...rendering.figures import argument_maps

        db = datasette.get_database(DATABASE)
        rows = [await _rows(db, f"select * from [{name}]") for name in ("claims", "claim_links", "topics")]
        memo["maps"] = argument_maps(*rows)
    return memo["maps"]


async def argument_map_svg(datasette, request):
    svg = (await _maps(datasette))["argument-map.svg"]
    return Response(svg, content_type="image/svg+xml; charset=utf-8")


async def argument_map_page(datasette, request):
    maps = await _maps(datasette)
    html = await datasette.render_template(
        "alliance-argument-map.html",
        {
            "topics_svg": Markup(_scalable(maps["argument-map.svg"])),
            "claims_svg": Markup(_scalable(maps["argument-map-claims.svg"])),
        },
        request=request,
    )
    return Response.html(html)


def _scalable(svg: str) -> str:
    """The SVG sized by its container (it keeps its viewBox, so it scales without distortion)."""
    return re.sub(r'<svg ([^>]*?)width="[\d.]+" height="[\d.]+"', r'<svg \1class="map" role="img"', svg, count=1)


@hookimpl
def register_routes():
    return [
        (r"^/article$", article_index),
        (r"^/article/(?P<source_id>[a-z][a-z0-9-]*)$", article_page),
        (r"^/-/source/(?P<source_id>[a-z][a-z0-9-]*)\.txt$", source_text_page),
        (r"^/argument-map$", argument_map_page),
        (r"^/-/argument-map\.svg$", argument_map_svg),
        (r"^/-/alliance-reader\.css$", reader_css),
    ]


# --- claims: links to the article, search snippets, actors ------------------------------------


@hookimpl
def render_cell(row, value, column, table, database):
    if database != DATABASE:
        return None
    if column == "source_id" and isinstance(value, dict):
        # An expanded foreign key ({value, label}): the label is the article's title.
        value = value.get("value")
    if not isinstance(value, str):
        return None
    if column == "match" and MARK_OPEN in value:
        text = escape(value).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
        return Markup(text)
    if table is None and column in CLAIM_COLUMNS and _claim.match(value):
        return Markup(
            f'<a href="/{DATABASE}/claims/{value}">{value}</a> '
            f'<a class="in-article" href="{article_url(value)}" title="Read {value} in the article">in the article</a>'
        )
    if table == "sources" and column == "title" and row is not None and "source_id" in row.keys():  # noqa: SIM118 (a Row's `in` looks at values)
        return Markup(
            f'{escape(value)} · <a href="/article/{escape(row["source_id"])}">read the article with its claims</a>'
            f' · <a href="/-/source/{escape(row["source_id"])}.txt">the plain text</a>'
        )
    if table not in (None, "sources") and column == "source_id" and _source.fullmatch(value):
        # The foreign key's label is the article's title, the same on every row: the id says as much.
        return Markup(f'<a href="/{DATABASE}/sources/{value}">{value}</a>')
    if table == "claims" and column == "statement" and row is not None and "claim_id" in row.keys():  # noqa: SIM118
        claim_id = row["claim_id"]
        return Markup(
            f'{escape(value)} <a class="in-article" href="{article_url(claim_id)}" '
            f'aria-label="Read {claim_id} in the article">in the article</a>'
        )
    return None


@hookimpl
def prepare_connection(conn, database):
    if database == DATABASE:
        # Search terms as FTS5 phrases: a reader's words never raise an FTS syntax error.
        conn.create_function("fts_terms", 1, lambda text: escape_fts(text or "") or '""', deterministic=True)


_ACTORS_SQL = (
    "select ca.claim_id, ca.actor_id, ca.role, a.name from claim_actors ca "
    "join actors a on a.actor_id = ca.actor_id where ca.claim_id in ({marks}) order by ca.claim_id, a.name"
)


async def _actors_by_claim(datasette, claim_ids: list[str]) -> dict[str, list[dict]]:
    if not claim_ids:
        return {}
    db = datasette.get_database(DATABASE)
    rows = await _rows(db, _ACTORS_SQL.format(marks=",".join("?" * len(claim_ids))), claim_ids)
    found: dict[str, list[dict]] = {claim_id: [] for claim_id in claim_ids}
    for row in rows:
        found[row["claim_id"]].append(row)
    return found


def _claim_row(conn, claim_id: str) -> dict | None:
    """Every query of a claim's row page, run in one worker call: each call is a hop to a SQL
    thread and back, which cost more than these keyed lookups themselves."""
    found = _dicts(
        conn,
        "select c.*, t.label as topic_label, s.heading as section_heading, s.short_name as section_name "
        "from claims c join topics t on t.topic_id = c.topic_id join sections s on s.section_id = c.section_id "
        "where c.claim_id = ?",
        [claim_id],
    )
    if not found:
        return None
    claim = found[0]
    links_columns = {row["name"] for row in _dicts(conn, "select name from pragma_table_info('claim_links')")}
    extra = ", ".join(f"l.{name}" for name in ("basis", "signal_quote") if name in links_columns)
    extra = f", {extra}" if extra else ""
    directions = (("outgoing", "from_claim", "to_claim"), ("incoming", "to_claim", "from_claim"))
    for direction, this_end, other_end in directions:
        claim[direction] = _dicts(
            conn,
            f"select l.relation, l.justification{extra}, o.claim_id as other, o.statement from claim_links l "
            f"join claims o on o.claim_id = l.{other_end} where l.{this_end} = ? order by o.source_id, o.char_start",
            [claim_id],
        )
    claim["actors"] = _dicts(conn, _ACTORS_SQL.format(marks="?"), [claim_id])
    return claim


async def claim_view(datasette, claim_id: str) -> dict | None:
    """A claim for its row page: labels, actors by name and role, links with statements."""
    claim = await datasette.get_database(DATABASE).execute_fn(lambda conn: _claim_row(conn, claim_id))
    if claim is not None:
        claim["article_url"] = article_url(claim_id)
    return claim


# The claims lead the home page's list; the other tables follow in the codebook's order.
HOME_FIRST = "claims"


def home_tables(datasette) -> list[dict]:
    """The served tables, claims first, each with its description and (from the inspect data) rows."""
    from ...codebook.registry import TABLES

    inspected = (datasette.inspect_data or {}).get(DATABASE, {}).get("tables", {})
    ordered = sorted(TABLES, key=lambda table: table.name != HOME_FIRST)
    return [
        {"name": table.name, "description": table.description, "count": inspected.get(table.name, {}).get("count")}
        for table in ordered
        if table.name in inspected or not inspected
    ]


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    if view_name == "index" and DATABASE in datasette.databases:
        return {"reader_tables": home_tables(datasette), "reader_database": DATABASE}
    if database != DATABASE or request is None:
        return {}

    async def reader_table(columns, rows) -> dict:
        """The claims table as readers see it: the leading columns first, the actors after
        certainty, every other column after them (cells as Datasette rendered them)."""
        names = [column["name"] for column in columns]
        order = [names.index(name) for name in READER_LEAD if name in names]
        order += [index for index, name in enumerate(names) if name not in READER_LEAD]
        cells = [list(getattr(row, "cells", row)) for row in rows]
        key = names.index("claim_id") if "claim_id" in names else None
        found = await _actors_by_claim(datasette, [row[key]["raw"] for row in cells] if key is not None else [])
        actors = {
            claim_id: ", ".join(f"{a['name']} ({a['role']})" for a in listed) or "none named"
            for claim_id, listed in found.items()
        }
        rows = [
            {
                "cells": [row[index] for index in order],
                "actors": actors.get(row[key]["raw"], "") if key is not None else "",
            }
            for row in cells
        ]
        return {
            "columns": [columns[index] for index in order],
            "body": _table_body(rows, {name: f"col-{to_css_class(name)}" for name in names}),
        }

    async def inner():
        values = {"reader_table": reader_table, "article_url": article_url}
        if view_name == "row" and table == "claims":
            pks = request.url_vars.get("pks", "")
            values["claim"] = await claim_view(datasette, pks.split(",")[0])
        return values

    return inner


def _table_body(rows: list[dict], classes: dict[str, str]) -> Markup:
    """The rows of the claims table as HTML, each cell as Datasette rendered it (Markup stays
    as it is, anything else is escaped, as in a template), the actors after certainty. Built
    here rather than by the template: looping over 2,500 cells in Jinja's async mode was a
    third of the page's rendering (benchmarks/NOTES.md)."""
    classes = {name: str(escape_html(css)) for name, css in classes.items()}
    lines = []
    for row in rows:
        cells = []
        for cell in row["cells"]:
            kind, value = escape_html(cell["value_type"]), escape_html(cell["value"])
            cells.append(f'<td class="{classes[cell["column"]]} type-{kind}">{value}</td>')
            if cell["column"] == "certainty":
                cells.append(f'<td class="col-actors">{escape_html(row["actors"])}</td>')
        lines.append("<tr>" + "".join(cells) + "</tr>")
    return Markup("\n".join(lines))


# --- the claims table's search box: the ranked search page ------------------------------------

# Arguments of the claims table that only arrange the page (sorting, facets, size): a search with
# nothing else is a reader's first search, answered by the ranked page. With filters chosen, the
# table's own search keeps them (in claim order).
ARRANGING = ("_search", "_sort", "_sort_desc", "_facet", "_size", "_next")


def ranked_search_url(path: str, query_string: str) -> str | None:
    """Where a search of the claims table's page goes: the ranked search page, or None (stay)."""
    if path != f"/{DATABASE}/claims":
        return None
    args = parse_qsl(query_string, keep_blank_values=True)
    words = " ".join(value for key, value in args if key == "_search").strip()
    if not words or any(not key.startswith(ARRANGING) for key, _ in args):
        return None
    return f"/{DATABASE}/search_claims?{urlencode({'q': words})}"


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def search_goes_to_the_ranked_page(scope, receive, send):
            if scope.get("type") == "http" and scope.get("method", "GET") in ("GET", "HEAD"):
                target = ranked_search_url(scope.get("path", ""), scope.get("query_string", b"").decode("latin-1"))
                if target:
                    await asgi_send_redirect(send, target)
                    return
            await app(scope, receive, send)

        return search_goes_to_the_ranked_page

    return wrap


# --- choices for the canned queries' parameters ------------------------------------------------

CHOICES_SQL = {
    "actor_id": "select actor_id as value, name || ' (' || actor_id || ')' as label from actors order by name",
    "topic_id": "select topic_id as value, label || ' (' || kind || ')' as label from topics order by kind, label",
    "kind": "select distinct kind as value, kind as label from topics order by kind",
}


async def parameter_choices(datasette) -> dict[str, list[list[str]]]:
    memo = _memo(datasette)
    if "choices" not in memo:
        db = datasette.get_database(DATABASE)
        memo["choices"] = {
            name: [[row["value"], row["label"]] for row in await _rows(db, sql)] for name, sql in CHOICES_SQL.items()
        }
    return memo["choices"]


# What readers see of a canned query's form: parameters by their meaning, a button that says what
# it does, the page number as a short field; the count of rows instead of "Custom SQL query
# returning N rows" (hidden by READER_CSS, so also without a script).
PARAMETER_LABELS = {"q": "Words to search for", "actor_id": "Actor", "topic_id": "Topic", "page": "Page"}
PARAMETER_SCRIPT = """
(function () {
  var choices = %s;
  var labels = %s;
  document.querySelectorAll("form.sql label").forEach(function (label) {
    var input = document.getElementById(label.htmlFor);
    if (input && labels[input.name]) label.textContent = labels[input.name];
  });
  var page = document.querySelector("form.sql input[name=page]");
  if (page) { page.type = "number"; page.min = "1"; page.placeholder = "1"; }
  var submit = document.querySelector("form.sql input[type=submit]");
  if (submit) submit.value = document.querySelector("form.sql input[name=q]") ? "Search" : "Show";
  var rows = document.querySelectorAll("table.rows-and-columns tbody tr").length;
  var exports = document.querySelector("p.export-links");
  if (exports && rows) {
    var count = document.createElement("p");
    count.className = "row-count";
    var more = rows === %d ? " (the next ones on page 2, 3, …)" : "";
    count.textContent = rows + (rows === 1 ? " row" : " rows") + more;
    exports.parentNode.insertBefore(count, exports);
  }
  document.querySelectorAll("form.sql input[type=text]").forEach(function (input) {
    var options = choices[input.name];
    if (!options) return;
    var select = document.createElement("select");
    select.name = input.name; select.id = input.id;
    var blank = document.createElement("option");
    blank.value = ""; blank.textContent = "choose…"; select.appendChild(blank);
    options.forEach(function (pair) {
      var option = document.createElement("option");
      option.value = pair[0]; option.textContent = pair[1];
      if (pair[0] === input.value) option.selected = true;
      select.appendChild(option);
    });
    select.addEventListener("change", function () { if (select.value) select.form.submit(); });
    input.replaceWith(select);
  });
})();
"""


# Datasette 0.65's base template names no language, and its filter form has controls without
# labels; screen readers need both.
LANGUAGE_SCRIPT = """
if (!document.documentElement.lang) document.documentElement.lang = 'en';
[['select[name=_filter_column]', 'Filter column'], ['select[name=_filter_op]', 'Filter operation'],
 ['input.filter-value', 'Filter value'], ['select[name=_sort]', 'Sort by']].forEach(function (pair) {
  document.querySelectorAll(pair[0]).forEach(function (el) {
    if (!el.labels || !el.labels.length) el.setAttribute('aria-label', pair[1]);
  });
});
"""
READER_CSS = """
.rows-and-columns td em { color: #555; }
.rows-and-columns td a { text-decoration: underline; }
form input[type=submit], form button[type=button] { background: #0b5cad; border-color: #0b5cad; color: #fff; }
.in-article { white-space: nowrap; font-size: .9em; }
.lead { font-size: 1.1em; }
/* Canned queries are readers' pages: no "Custom SQL query returning N rows (show)" heading, no
   "Query parameters" heading, a short page field (the SQL stays one click away: Edit SQL). */
body.query[class*=" query-"] form.sql > h3 { display: none; }
form.sql input[name=page] { width: 6em; }
form.sql label { width: auto; min-width: 10em; }
ul.table-list { padding-left: 1.2em; }
ul.table-list li { margin: .2em 0; }
"""


async def reader_css(datasette, request):
    return Response(READER_CSS, content_type="text/css; charset=utf-8")


@hookimpl
def extra_css_urls():
    return ["/-/alliance-reader.css"]


@hookimpl
def extra_body_script(template, database, datasette):
    if database != DATABASE or not (template or "").startswith("query"):
        return LANGUAGE_SCRIPT

    async def inner():
        choices = await parameter_choices(datasette)
        # Actor names and labels come from the data: `<!--` or `</script>` in one must not end the script.
        script = PARAMETER_SCRIPT % (for_inline_script(choices), for_inline_script(PARAMETER_LABELS), PAGE_SIZE)
        return LANGUAGE_SCRIPT + script

    return inner


# --- facets: by actor (through claim_actors), in the codebook's order, a whole table's once --


@hookimpl
def register_facet_classes():
    from .actor_facet import ActorFacet
    from .codebook_facet import CodebookFacet
    from .whole_table_facets import facet_classes

    return [ActorFacet, CodebookFacet, *facet_classes()]
