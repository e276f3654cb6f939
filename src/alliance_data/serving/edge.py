"""The server's edge: what a connection may hold before the application sees a request.

uvicorn (as `datasette serve` starts it) sets no deadline for a request's head and accepts
connections until the process runs out of file descriptors: 300 idle sockets under a limit of 256
stopped the server answering anyone, and every failed `accept()` then logged a traceback. Here:
- a connection must send a whole request head within HEAD_TIMEOUT_SECONDS of opening, or of its
  previous response; otherwise it is closed (a keep-alive connection is closed sooner, after
  uvicorn's `timeout_keep_alive`);
- at most `max_open_connections()` connections are open, half the descriptor limit; a new one
  past it closes the connection that has waited longest for a request head (an idle socket gives
  way to a visitor), or, when every connection is in a request, is closed itself. asyncio accepts
  up to `backlog` sockets at a time before any of them reaches the protocol, so the backlog is a
  small fraction of the limit too, and the rest of the descriptors absorbs those bursts;
- an `accept()` that fails for want of descriptors anyway is logged once a minute, not each time
  (asyncio logs a traceback for each retry, and the retries multiply);
- a request head is at most MAX_HEAD_BYTES (uvicorn answers 400 beyond), and uvicorn answers 503
  past MAX_CONCURRENCY connections and requests in flight.
`uvicorn_settings()` is passed to uvicorn by `serve` (see `edge_settings`).
"""

from __future__ import annotations

import logging
import resource
import time
from contextlib import contextmanager
from functools import partial

from uvicorn.protocols.http.h11_impl import H11Protocol

logger = logging.getLogger("alliance_data.serving")

HEAD_TIMEOUT_SECONDS = 10.0
KEEP_ALIVE_SECONDS = 5
MAX_HEAD_BYTES = 16 * 1024
MAX_CONNECTIONS = 1_000
MAX_CONCURRENCY = MAX_CONNECTIONS + 24
# The descriptor limit `serve` raises its soft limit to (within the hard limit).
WANTED_DESCRIPTORS = 4_096


def raise_descriptor_limit() -> int:
    """Raise the process's soft limit on descriptors as far as allowed (up to WANTED_DESCRIPTORS)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = WANTED_DESCRIPTORS if hard == resource.RLIM_INFINITY else min(hard, WANTED_DESCRIPTORS)
    if wanted > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        soft = wanted
    return soft


def max_open_connections() -> int:
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return max(8, min(MAX_CONNECTIONS, soft // 2))


def accept_backlog() -> int:
    """Sockets accepted at once (and queued by the kernel): a sixteenth of the descriptor limit."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return max(16, min(2048, soft // 16))


ACCEPT_ERROR = "socket.accept() out of system resource"
ACCEPT_ERROR_LOG_SECONDS = 60.0


def quiet_accept_errors(loop) -> None:
    """Log a failed `accept()` once a minute; any other error as asyncio does."""
    last_logged = [float("-inf")]

    def handler(loop, context):
        if context.get("message") == ACCEPT_ERROR:
            if time.monotonic() - last_logged[0] < ACCEPT_ERROR_LOG_SECONDS:
                return
            last_logged[0] = time.monotonic()
            logger.error("%s: %s (logged once a minute)", ACCEPT_ERROR, context.get("exception"))
            return
        loop.default_exception_handler(context)

    loop.set_exception_handler(handler)


class EdgeProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline for each request head and a cap on connections."""

    max_connections = MAX_CONNECTIONS

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self.head_timer = None
        self.awaiting_head_since: float | None = None
        self._await_head()
        if len(self.connections) > self.max_connections:
            self._make_room()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._in_request():
            self._stop_awaiting_head()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and not self._in_request():
            self._await_head()

    def connection_lost(self, exc) -> None:
        self._stop_awaiting_head()
        super().connection_lost(exc)

    def _in_request(self) -> bool:
        return self.cycle is not None and not self.cycle.response_complete

    def _await_head(self) -> None:
        self._stop_awaiting_head()
        self.awaiting_head_since = time.monotonic()
        self.head_timer = self.loop.call_later(HEAD_TIMEOUT_SECONDS, self._head_too_slow)

    def _stop_awaiting_head(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
        self.head_timer, self.awaiting_head_since = None, None

    def _head_too_slow(self) -> None:
        self.head_timer = None
        if not self._in_request() and not self.transport.is_closing():
            self.transport.close()

    def _make_room(self) -> None:
        idle = [
            connection
            for connection in self.connections
            if connection is not self
            and isinstance(connection, EdgeProtocol)
            and connection.awaiting_head_since is not None
            and not connection.transport.is_closing()
        ]
        victim = min(idle, key=lambda connection: connection.awaiting_head_since) if idle else self
        victim._stop_awaiting_head()
        victim.transport.close()


def uvicorn_settings() -> dict:
    EdgeProtocol.max_connections = max_open_connections()
    return {
        "http": EdgeProtocol,
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
        "limit_concurrency": MAX_CONCURRENCY,
        "h11_max_incomplete_event_size": MAX_HEAD_BYTES,
        "backlog": accept_backlog(),
    }


@contextmanager
def edge_settings():
    """Within the block, `datasette serve` starts uvicorn with `uvicorn_settings()`: Datasette's
    command line has no options for them, and it calls `uvicorn.run` from its own module."""
    import datasette.cli

    raise_descriptor_limit()
    original = datasette.cli.uvicorn.run
    datasette.cli.uvicorn.run = partial(original, **uvicorn_settings())
    try:
        yield
    finally:
        datasette.cli.uvicorn.run = original
