"""Error responses that never block the event loop, with the status the visitor caused.

Datasette's own handler prints a `rich` traceback with every local variable, synchronously on the
event loop (so two clients asking for missing pages slowed every other page), and fails on
exceptions raised outside an `except` block, turning those 404s into 500s.
Here an error is answered as Datasette would (its JSON error or its error page) without printing;
a server fault is logged as one line.

Datasette 0.65 reports some bad request parameters as 500: a DatasetteError keeps its default 500
for `_sort` by a missing column or an invalid `_through`, and a value it cannot parse (`_through`
that is not a JSON object, `_timelimit=abc`, `x__in=[bad`) escapes as ValueError, LookupError or
TypeError. Both are the request's fault on this read-only server, so both are 400.
"""

from __future__ import annotations

import logging
import traceback

logger = logging.getLogger("alliance_data.serving")

PARAMETER_ERRORS = (ValueError, LookupError, TypeError)


def classify(exception: BaseException, has_parameters: bool) -> tuple[int, str, str | None, dict, bool]:
    """(status, message, title, extra fields, message is HTML) for an exception from a view."""
    from datasette.utils.asgi import Base400
    from datasette.views.base import DatasetteError

    if isinstance(exception, Base400):
        return exception.status, str(exception.args[0]) if exception.args else "", None, {}, False
    if isinstance(exception, DatasetteError):
        status = 400 if exception.status == 500 else exception.status
        return status, exception.message, exception.title, dict(exception.error_dict), exception.message_is_html
    if has_parameters and isinstance(exception, PARAMETER_ERRORS):
        return 400, f"Invalid request parameter: {exception}", "Invalid request", {}, False
    return 500, "Internal error: the server could not answer this request.", None, {}, False


def _log_fault(request, exception: BaseException) -> None:
    frames = traceback.extract_tb(exception.__traceback__)
    where = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    logger.error("%s %s: %s: %s%s", request.method, request.path, type(exception).__name__, exception, where)


def respond(datasette, request, exception):
    """An awaitable for Datasette's `handle_exception` hook."""

    async def inner():
        from datasette import Response
        from markupsafe import Markup

        status, message, title, info, is_html = classify(exception, bool(request.query_string))
        if status >= 500:
            _log_fault(request, exception)
        info.update({"ok": False, "error": message, "status": status, "title": title})
        if request.path.split("?")[0].endswith(".json"):
            return Response.json(info, status=status)
        if is_html:
            info["error"] = Markup(message)
        template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
        context = dict(info, urls=datasette.urls, app_css_hash=datasette.app_css_hash(), menu_links=lambda: [])
        return Response.html(await template.render_async(context), status=status)

    return inner
