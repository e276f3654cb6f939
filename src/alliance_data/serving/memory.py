"""Answers remembered by the server, for a database that cannot change while it runs: at most
a given number, the least recently used forgotten first (used by `schema` and
`reader.whole_table_facets`)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any


def parameters_key(params) -> Hashable:
    """A hashable form of a statement's parameters (a dict, a list or tuple, or None), for a key."""
    if isinstance(params, dict):
        return tuple(sorted(params.items()))
    return tuple(params) if isinstance(params, list | tuple) else params


class Memory:
    """Answers by key. `answer` asks for one only when it is not remembered."""

    def __init__(self):
        self.answers: OrderedDict[Hashable, Any] = OrderedDict()

    def __len__(self) -> int:
        return len(self.answers)

    async def answer(
        self,
        key: Hashable,
        ask: Callable[[], Awaitable[Any]],
        limit: int,
        keep: Callable[[Any], bool] = lambda answer: True,
    ) -> Any:
        """The remembered answer for `key`, or `ask()`'s, remembered if `keep` says so; past
        `limit` answers, the least recently used is forgotten. An answer that raises is not kept."""
        if key in self.answers:
            self.answers.move_to_end(key)
            return self.answers[key]
        answer = await ask()
        if keep(answer):
            self.answers[key] = answer
            while len(self.answers) > limit:
                self.answers.popitem(last=False)
        return answer
