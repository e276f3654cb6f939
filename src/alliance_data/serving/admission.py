"""Which requests are refused at the edge, and how many of each kind run at once.

`refusal()` answers, before any work, what this server never does: a method with a body, a
debugging page, a query string past MAX_QUERY_STRING_BYTES, a parameter value past
MAX_PARAMETER_CHARS, more than MAX_FACETS facets.
Repeated facets are dropped from the query string (`deduplicated_facets`), since Datasette
recomputes each one. `Admission` lets at most `ADMISSION[kind]` requests of a kind run at once.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from .bounds import (
    ADMISSION,
    ADMISSION_WAIT_SECONDS,
    ALLOWED_METHODS,
    DEBUG_PATHS,
    FACET_PARAMETER_PREFIX,
    HEAVY_PARAMETERS,
    MAX_FACETS,
    MAX_PARAMETER_CHARS,
    MAX_QUERY_STRING_BYTES,
)

# Parameters whose value is SQL: bounded by SQLite's SQL length limit instead.
SQL_PARAMETERS = frozenset({"sql", "_where"})


@dataclass(frozen=True)
class Refusal:
    status: int
    title: str
    message: str
    headers: tuple = ()


def parameters(scope) -> list[tuple[str, str]]:
    return parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)


def is_facet(name: str) -> bool:
    return name.startswith(FACET_PARAMETER_PREFIX)


def renders_html_cells(scope, database: str) -> bool:
    """A page of the database rendered as HTML, cell by cell: not .json, .csv or a file."""
    path = scope["path"]
    in_database = path == f"/{database}" or path.startswith(f"/{database}/")
    names = {name for name, _ in parameters(scope)}
    return in_database and "." not in path.rsplit("/", 1)[-1] and "_format" not in names


def deduplicated_facets(query_string: bytes) -> bytes:
    """The query string without repeated facet parameters (the first of each is kept)."""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    kept, seen = [], set()
    for pair in pairs:
        if is_facet(pair[0]):
            if pair in seen:
                continue
            seen.add(pair)
        kept.append(pair)
    return query_string if len(kept) == len(pairs) else urlencode(kept).encode("latin-1")


def refusal(scope) -> Refusal | None:
    if scope["method"] not in ALLOWED_METHODS:
        message = "This server is read-only: it answers GET and HEAD requests only."
        return Refusal(405, "Method not allowed", message, (("allow", ", ".join(sorted(ALLOWED_METHODS))),))
    path = scope["path"]
    if path.removesuffix(".json") in DEBUG_PATHS:
        return Refusal(404, "Not found", "Page not found.")
    if len(scope.get("query_string", b"")) > MAX_QUERY_STRING_BYTES:
        message = f"The query string is longer than {MAX_QUERY_STRING_BYTES:,} bytes, the most this server reads."
        return Refusal(414, "URI too long", message)
    pairs = parameters(scope)
    for name, value in pairs:
        if name not in SQL_PARAMETERS and len(value) > MAX_PARAMETER_CHARS:
            message = f"The value of `{name}` is longer than {MAX_PARAMETER_CHARS:,} characters, the most one may be."
            return Refusal(400, "Invalid request", message)
    facets = {pair for pair in pairs if is_facet(pair[0])}
    if len(facets) > MAX_FACETS:
        message = f"The request asks for {len(facets):,} facets; at most {MAX_FACETS} may be asked at once."
        return Refusal(400, "Too many facets", message)
    return None


def request_kind(scope, canned_paths: frozenset[str], file_prefixes: tuple[str, ...]) -> str:
    if scope["path"].startswith(file_prefixes) or scope["path"].endswith(".db"):
        return "files"
    names = {name for name, _ in parameters(scope)}
    if not names.isdisjoint(HEAVY_PARAMETERS):
        return "sql"
    if any(is_facet(name) for name in names):
        return "facets"
    if scope["path"].rsplit(".", 1)[0] in canned_paths or scope["path"] in canned_paths:
        return "canned"
    return "page"


class Admission:
    """At most ADMISSION[kind] requests of each kind at once; a few more wait their turn."""

    def __init__(self):
        self.slots = {kind: asyncio.Semaphore(running) for kind, (running, _) in ADMISSION.items()}
        self.waiting = dict.fromkeys(ADMISSION, 0)  # one event loop: no lock needed

    async def enter(self, kind: str) -> bool:
        if self.waiting[kind] >= ADMISSION[kind][1] and self.slots[kind].locked():
            return False
        self.waiting[kind] += 1
        try:
            await asyncio.wait_for(self.slots[kind].acquire(), ADMISSION_WAIT_SECONDS)
            return True
        except TimeoutError:
            return False
        finally:
            self.waiting[kind] -= 1

    def leave(self, kind: str) -> None:
        self.slots[kind].release()
