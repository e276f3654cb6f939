"""What one visitor's request may cost the server and what it may learn (an ASGI middleware).

- No response is larger than MAX_RESPONSE_BYTES: a response that declares its length is refused
  before it starts; any other (Datasette's JSON, HTML and CSV, streamed or not) is held until it is
  complete, so that passing the cap gives a clear 413 instead of a truncated 200.
- What this server never does is refused before any work (`admission.refusal`: methods with a
  body, debugging pages, overlong parameters, too many facets); repeated facets are dropped.
- Each kind of request (a visitor's SQL, facets, canned queries, other pages) runs at most
  ADMISSION[kind] at once, so no kind takes every core and SQL thread from the others. A few more
  wait their turn (a client that retries at once would otherwise spin on refusals); beyond that,
  or after the wait, 503 with Retry-After.
- Every request has REQUEST_DEADLINE_SECONDS from admission to the start of its response: past
  it, it is abandoned with a 503 and its SQL interrupted (`workers`). Once a response starts, the
  rest (bytes already bounded) has TRANSFER_DEADLINE_SECONDS, for slow connections.
- Under a files mount only a regular file directly in the mounted directory is served; any other
  path, and any path with a `..` segment (Datasette's own static files too), answers exactly as a
  missing file does (Datasette answered 403 for an existing directory outside).
- A CSV of a failed query is a 400 (Datasette answers 200 with no columns).
- `/-/databases.json` lists the databases without their path on this machine.
"""

from __future__ import annotations

import asyncio
import json
from html import escape
from pathlib import Path
from urllib.parse import parse_qsl

from .admission import Admission, deduplicated_facets, refusal, renders_html_cells, request_kind
from .bounds import (
    MAX_HTML_CELLS,
    MAX_RESPONSE_BYTES,
    REQUEST_DEADLINE_SECONDS,
    TRANSFER_DEADLINE_SECONDS,
    ResultTooLarge,
)
from .metadata import DATABASE_NAME, QUERIES
from .workers import HTML_CELLS_LEFT

TOO_LARGE = f"The response would be larger than {MAX_RESPONSE_BYTES:,} bytes, the most this server sends."
TOO_SLOW = (
    f"The request took longer than {REQUEST_DEADLINE_SECONDS:g} s, the most this server spends on one: "
    "ask for less (fewer rows, facets or columns, a simpler query), or download the table's file."
)
BUSY = "The server is busy with other requests like this one: try again in a few seconds."
TOO_LARGE_ADVICE = (
    "Ask for fewer rows or shorter values (a smaller `limit` or `_size`, fewer columns), "
    "or download the whole table's file."
)
# Datasette's own answer for a missing file under a static mount, byte for byte.
MISSING_FILE = (404, "text/html; charset=utf-8", b"404: File not found")


def error_body(status: int, message: str, as_json: bool, title: str | None = None) -> tuple[str, bytes]:
    """(content type, body) of an error page in Datasette's shapes: its JSON error, or a small page."""
    if as_json:
        payload = {"ok": False, "error": message, "status": status, "title": title}
        return "application/json; charset=utf-8", json.dumps(payload).encode()
    heading = escape(title or f"Error {status}")
    page = (
        f"<!DOCTYPE html>\n<html><head><title>{heading}</title></head>"
        f"<body><h1>{heading}</h1><p>{escape(message)}</p></body></html>"
    )
    return "text/html; charset=utf-8", page.encode()


async def send_whole(send, status: int, content_type: str, body: bytes, headers: tuple = ()) -> None:
    start_headers = [[b"content-type", content_type.encode()], [b"content-length", str(len(body)).encode()]]
    start_headers += [[name.encode(), value.encode()] for name, value in headers]
    await send({"type": "http.response.start", "status": status, "headers": start_headers})
    await send({"type": "http.response.body", "body": body})


def _csv_of_sql(scope) -> bool:
    """A CSV of a visitor's query with its header row: never empty unless the query failed."""
    parameters = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
    return scope["path"].endswith(".csv") and "sql" in parameters and parameters.get("_header") != "off"


def served_file(path: str, mounts: list[tuple[str, Path]]) -> bool | None:
    """None when `path` is under no files mount, else whether it names a file we serve."""
    for prefix, directory in mounts:
        if path.startswith(prefix):
            name = path[len(prefix) :]
            candidate = directory / name
            return bool(name) and "/" not in name and name not in (".", "..") and _regular(candidate)
    return None


def _regular(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


class _Capped:
    """The `send` of one response, counting its bytes: passes a response that declares a length
    within the cap straight through, holds any other until complete."""

    def __init__(self, send, csv_of_sql: bool = False, on_start=lambda: None):
        self.send = send
        self.on_start = on_start  # called once the response's start is sent
        self.started = False
        self.csv_of_sql = csv_of_sql
        self.failed_query = False
        self.start: dict | None = None
        self.streaming = False
        self.chunks: list[bytes] = []
        self.size = 0
        self.too_large = False

    async def __call__(self, message: dict) -> None:
        if self.too_large:
            raise ResultTooLarge(TOO_LARGE)
        if message["type"] == "http.response.start":
            declared = dict(message.get("headers") or []).get(b"content-length")
            if declared is not None and int(declared) > MAX_RESPONSE_BYTES:
                self._refuse()
            if declared is not None:
                self.streaming = True
                await self._start(message)
            else:
                self.start = message
            return
        if message["type"] != "http.response.body":
            await self.send(message)
            return
        body = message.get("body", b"")
        self.size += len(body)
        if self.size > MAX_RESPONSE_BYTES:
            self._refuse()
        if self.streaming:
            await self.send(message)
            return
        self.chunks.append(body)
        if not message.get("more_body"):
            whole, self.chunks = b"".join(self.chunks), []
            if self.csv_of_sql and self.start["status"] == 200 and not whole.strip():
                # Datasette's CSV of a failed query is a 200 without a single column (every
                # result has one): answered as the error it is.
                self.failed_query = True
                return
            await self._start(self.start)
            await self.send({"type": "http.response.body", "body": whole})

    async def _start(self, message: dict) -> None:
        self.started = True
        self.on_start()
        await self.send(message)

    def _refuse(self):
        # Raised through the app: Datasette's own handlers catch Exception, so this stops it.
        self.too_large, self.chunks = True, []
        raise ResultTooLarge(TOO_LARGE)


def guard(datasette, app):
    mounts = [(f"/{mount}/", Path(directory).resolve()) for mount, directory in datasette.static_mounts]
    canned_paths = frozenset(f"/{DATABASE_NAME}/{name}" for name in QUERIES)
    file_prefixes = tuple(prefix for prefix, _ in mounts)
    admission = Admission()

    async def guarded(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        path = scope["path"]
        as_json = path.endswith(".json")
        if ".." in path.split("/") or served_file(path, mounts) is False:
            return await send_whole(send, *MISSING_FILE)
        refused = refusal(scope)
        if refused is not None:
            body = error_body(refused.status, refused.message, as_json, refused.title)
            return await send_whole(send, refused.status, *body, headers=refused.headers)
        scope = dict(scope, query_string=deduplicated_facets(scope.get("query_string", b"")))
        kind = request_kind(scope, canned_paths, file_prefixes)
        if not await admission.enter(kind):
            return await send_whole(send, 503, *error_body(503, BUSY, as_json), headers=(("retry-after", "2"),))
        loop = asyncio.get_running_loop()
        deadline = asyncio.timeout(REQUEST_DEADLINE_SECONDS)

        def transfer_deadline():  # the work is done: what is left is sending a bounded response
            deadline.reschedule(loop.time() + TRANSFER_DEADLINE_SECONDS)

        capped = _Capped(send, csv_of_sql=_csv_of_sql(scope), on_start=transfer_deadline)
        # Read by the row factory in the worker threads, through the request's context.
        HTML_CELLS_LEFT.set([MAX_HTML_CELLS] if renders_html_cells(scope, DATABASE_NAME) else None)
        try:
            async with deadline:
                await app(scope, receive, capped)
            if capped.failed_query:
                message = "The query failed: the same address with .json instead of .csv says why."
                await send_whole(send, 400, *error_body(400, message, False, "Invalid SQL"))
        except TimeoutError:
            if capped.started:  # its start is sent: cut off, as a dropped connection
                raise
            body = error_body(503, TOO_SLOW, as_json, "Request took too long")
            await send_whole(send, 503, *body, headers=(("retry-after", "2"),))
        except ResultTooLarge as refusal_of_size:
            if capped.streaming:  # the length was declared and within the cap, then grew: cut it
                raise
            message = f"{refusal_of_size} {TOO_LARGE_ADVICE}"
            await send_whole(send, 413, *error_body(413, message, as_json, "Response too large"))
        finally:
            admission.leave(kind)

    return guarded


async def databases_without_paths(datasette):
    from datasette import Response

    fields = ("name", "route", "size", "is_mutable", "is_memory", "hash")
    databases = [
        {field: getattr(database, field) for field in fields}
        for name, database in datasette.databases.items()
        if name != "_internal"
    ]
    return Response.json(databases)
