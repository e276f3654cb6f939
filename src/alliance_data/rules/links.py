"""Rules of the links between claims: no link to itself, causal relations never in a circle,
no pair both caused and contradicted, and each signal anchored, decided, near the claims it joins
and marking the relation the codebook lists it for."""

from __future__ import annotations

from collections import deque
from typing import Any

from ..curation.anchoring import span_problems
from ..curation.signals import binding_relations
from .rule import Relation, Row, Rule, RuleContext
from .sql import listed, span_ok, with_text, words

CAUSAL_RELATIONS = ("drives", "enables", "implies")
_CAUSAL = listed(CAUSAL_RELATIONS)
# A message shows a way back of at most this many claims, and looks for it among at most
# SEARCHED claims: a long cycle is reported at each of its links, and each search stays bounded.
WAY_BACK_SHOWN = 8
WAY_BACK_SEARCHED = 1000
# How far (in characters) an explicit link's signal may stand outside the span from the earlier
# claim's quote to the later one's: a connective opens or closes the sentence of a claim, so it
# lies within about a clause of them; a phrase further away does not join these two claims.
SIGNAL_REACH = 60


def causal_cycle_edges(edges: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """The edges (from, to) that lie on a cycle of the directed graph: those whose two ends are
    distinct and in one strongly connected component (Tarjan's algorithm, without recursion).
    A self-link is left to `link_not_to_itself`. Also used by the Spark form.

    Claims are numbered first and the search keeps its state in lists indexed by number. Before
    it, the edges that cannot lie on a cycle are set aside (`_may_lie_on_a_cycle`): on a million
    claims' links, nearly all of them."""
    import numpy as np

    number: dict[str, int] = {}
    ends = [(number.setdefault(start, len(number)), number.setdefault(end, len(number))) for start, end in edges]
    count = len(number)
    pairs = np.array(ends, dtype=np.int64).reshape(-1, 2)
    kept = _may_lie_on_a_cycle(pairs[:, 0], pairs[:, 1], count)
    graph: dict[int, list[int]] = {}
    for start, end in pairs[kept].tolist():
        graph.setdefault(start, []).append(end)
    index, low, component = [-1] * count, [0] * count, [0] * count
    on_stack = [False] * count
    stack: list[int] = []
    visited = 0
    for root in np.unique(pairs[kept]).tolist():
        if index[root] >= 0:
            continue
        work = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = visited
                visited += 1
                stack.append(node)
                on_stack[node] = True
            successors = graph.get(node, ())
            if position < len(successors):
                work.append((node, position + 1))
                successor = successors[position]
                if index[successor] < 0:
                    work.append((successor, 0))
                elif on_stack[successor]:
                    low[node] = min(low[node], index[successor])
                continue
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack[member] = False
                    component[member] = index[node]
                    if member == node:
                        break
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return {
        edge
        for edge, (start, end), may in zip(edges, ends, kept.tolist(), strict=True)
        if may and start != end and component[start] == component[end]
    }


# Rounds of setting aside edges that cannot lie on a cycle; what a long chain leaves after them
# goes to the search, which is right on any graph.
TRIM_ROUNDS = 32


def _may_lie_on_a_cycle(starts, ends, count: int):
    """A mask of the edges that may lie on a cycle. An edge into a node with no edge out, or out
    of a node with no edge in, cannot; without it the next such edge shows, round by round."""
    import numpy as np

    kept = np.ones(len(starts), dtype=bool)
    for _ in range(TRIM_ROUNDS):
        starts_kept, ends_kept = starts[kept], ends[kept]
        edges_out = np.bincount(starts_kept, minlength=count)
        edges_in = np.bincount(ends_kept, minlength=count)
        may = (edges_out[ends_kept] > 0) & (edges_in[starts_kept] > 0)
        if may.all():
            break
        kept[np.flatnonzero(kept)[~may]] = False
    return kept


CAUSAL_CYCLES = Relation(
    "causal_cycles",
    f"SELECT from_claim, to_claim FROM claim_links WHERE relation IN {_CAUSAL}",
    lambda rows: sorted(causal_cycle_edges([(start, end) for start, end in rows])),
    (("from_claim", "string"), ("to_claim", "string")),
)


def _cycle_message(row: Row, context: RuleContext) -> str:
    """The link, and the shortest way back from its target to its start along causal links."""
    successors: dict[str, list[str]] = {}
    for start, end in context.relation(CAUSAL_CYCLES.name):
        successors.setdefault(start, []).append(end)
    start, end = row["from_claim"], row["to_claim"]
    came_from: dict[str, str | None] = {end: None}
    queue = deque([end])
    while queue and start not in came_from and len(came_from) < WAY_BACK_SEARCHED:
        node = queue.popleft()
        for successor in successors.get(node, []):
            if successor not in came_from:
                came_from[successor] = node
                queue.append(successor)
    link = f"{start} {row['relation']} {end}"
    if start not in came_from:
        return f"{link}, and a way of more than {WAY_BACK_SEARCHED} causal links leads back: a cycle of causes"
    path: list[Any] = []
    node = start
    while node is not None:
        path.append(node)
        node = came_from[node]
    path.reverse()
    if len(path) > WAY_BACK_SHOWN:
        path = [*path[: WAY_BACK_SHOWN // 2], f"({len(path) - WAY_BACK_SHOWN} more)", *path[-WAY_BACK_SHOWN // 2 :]]
    return f"{link}, and {' -> '.join(path)} leads back by causal links: a cycle of causes"


def _spans(row: Row, context: RuleContext, quote: str, start: str, end: str) -> str:
    text = context.text(row["source_id"]) or ""
    return "; ".join(message for _, message in span_problems(text, row[quote], row[start], row[end]))


# Each link with the source of its from_claim, where its signal stands (null when unknown).
_WITH_SOURCE = """
    SELECT l.*, c.source_id FROM {table} l
    LEFT JOIN (SELECT claim_id, min(source_id) AS source_id FROM claims GROUP BY claim_id) c
        ON c.claim_id = l.from_claim
"""
_SIGNAL_GIVEN = "(signal_quote IS NOT NULL AND signal_start IS NOT NULL AND signal_end IS NOT NULL)"
_SIGNAL_NONE = "(signal_quote IS NULL AND signal_start IS NULL AND signal_end IS NULL)"
_EXPLICIT = "coalesce(basis = 'explicit', false)"
# The signals an explicit link carries, by (source, start, end).
_CARRIED = f"""
    SELECT DISTINCT source_id, signal_start, signal_end FROM ({_WITH_SOURCE.format(table="claim_links")})
    WHERE basis = 'explicit' AND signal_start IS NOT NULL
"""

# A coding decision that keeps this explicit link with this relation although a signal rule
# would refuse it: field 'signal', the other end named, resolved "<relation>, explicit".
_DECIDED_EXPLICIT = """
    EXISTS (SELECT 1 FROM coding_decisions d WHERE d.field = 'signal' AND d.claim_id = l.from_claim
            AND d.other_claim = l.to_claim AND d.resolved = l.relation || ', explicit')
"""
# The signal as the binding table matches it (`signals.said`): lower case, straight apostrophes,
# single spaces.
_SAID = words("replace(l.signal_quote, '\u2019', '''')")


def _binding_message(row: Row, context: RuleContext) -> str:
    relations, signals = binding_relations(row["signal_quote"])
    link = f"{row['from_claim']} {row['relation']} {row['to_claim']}"
    if not relations:
        return (
            f"{link}: the signal {row['signal_quote']!r} contains no signal the codebook lists for any relation "
            "(an anaphor, an echo or a scope phrase is not a connective)"
        )
    listed_as = ", ".join(f"{signal!r}" for signal in signals)
    return (
        f"{link}: the signal {row['signal_quote']!r} is the codebook's signal of {', '.join(sorted(relations))} "
        f"({listed_as}), not of {row['relation']}"
    )


LINK_RULES = (
    Rule(
        "link_not_to_itself",
        "claim_links",
        "to_claim",
        "SELECT _row, from_claim, to_claim, relation FROM claim_links WHERE from_claim = to_claim",
        lambda row, context: "a claim links to itself",
        "link two different claims",
    ),
    Rule(
        "no_causal_cycle",
        "claim_links",
        "relation",
        f"""
        SELECT l._row, l.from_claim, l.to_claim, l.relation FROM claim_links l
        JOIN {CAUSAL_CYCLES.name} e ON e.from_claim = l.from_claim AND e.to_claim = l.to_claim
        WHERE l.relation IN {_CAUSAL}
        """,
        _cycle_message,
        "remove or re-type the link that the text does not support as a cause (drives, enables and implies "
        "never run in a circle)",
    ),
    Rule(
        "not_causal_and_contradicting",
        "claim_links",
        "relation",
        f"""
        SELECT l._row, l.from_claim, l.to_claim, l.relation,
               string_agg(o.from_claim || ' ' || o.relation || ' ' || o.to_claim, '; '
                          ORDER BY o.from_claim, o.to_claim, o.relation) AS causal
        FROM claim_links l JOIN claim_links o
            ON least(o.from_claim, o.to_claim) = least(l.from_claim, l.to_claim)
           AND greatest(o.from_claim, o.to_claim) = greatest(l.from_claim, l.to_claim)
           AND o.relation IN {_CAUSAL}
        WHERE l.relation = 'contradicts'
        GROUP BY l._row, l.from_claim, l.to_claim, l.relation
        """,
        lambda row, context: (
            f"{row['from_claim']} contradicts {row['to_claim']}, yet the two are also linked causally ({row['causal']})"
        ),
        "keep the one relation the text supports: a claim does not both cause and contradict another",
    ),
    Rule(
        "signal_only_when_explicit",
        "claim_links",
        "signal_quote",
        f"""
        SELECT _row, from_claim, to_claim, relation, basis FROM claim_links
        WHERE NOT (({_SIGNAL_GIVEN} AND {_EXPLICIT}) OR ({_SIGNAL_NONE} AND NOT {_EXPLICIT}))
        """,
        lambda row, context: (
            "an explicit link needs signal_quote, signal_start and signal_end"
            if row["basis"] == "explicit"
            else f"a link of basis '{row['basis']}' has no signal in the text, so its signal fields are null"
        ),
        "anchor the signal of an explicit link with `alliance-data anchor`; leave the signal fields out otherwise",
    ),
    Rule(
        "signal_at_offsets",
        "claim_links",
        "signal_start",
        f"""
        SELECT l._row, l.from_claim, l.to_claim, l.relation, l.source_id, l.signal_quote, l.signal_start,
               l.signal_end
        FROM ({_WITH_SOURCE.format(table="claim_links")}) l {with_text("l.source_id", "l.signal_start", "l.signal_end")}
        WHERE {_SIGNAL_GIVEN} AND NOT {span_ok("l.signal_start", "l.signal_end", "l.signal_quote")}
        """,
        lambda row, context: "signal: " + _spans(row, context, "signal_quote", "signal_start", "signal_end"),
        "copy the signal from the source text and recompute its offsets with `alliance-data anchor`",
    ),
    Rule(
        "signal_decided",
        "claim_links",
        "basis",
        f"""
        SELECT l._row, l.from_claim, l.to_claim, l.relation, l.signal_quote, l.signal_start
        FROM ({_WITH_SOURCE.format(table="claim_links")}) l
        WHERE l.basis = 'explicit' AND l.signal_start IS NOT NULL AND l.source_id IS NOT NULL
          AND NOT EXISTS (
              SELECT 1 FROM link_signals s WHERE s.decision = 'link' AND s.source_id = l.source_id
              AND s.signal_start = l.signal_start AND s.signal_end IS NOT DISTINCT FROM l.signal_end)
        """,
        lambda row, context: (
            f"the signal {row['signal_quote']!r} at {row['signal_start']} is not listed as a link in link_signals"
        ),
        "list the signal in data/link_signals.yaml with decision 'link' and what it joins",
    ),
    Rule(
        "link_signal_at_offsets",
        "link_signals",
        "signal_quote",
        f"""
        SELECT s._row, s.source_id, s.signal_quote, s.signal_start, s.signal_end
        FROM link_signals s {with_text("s.source_id", "s.signal_start", "s.signal_end")}
        WHERE NOT {span_ok("s.signal_start", "s.signal_end", "s.signal_quote")}
        """,
        lambda row, context: _spans(row, context, "signal_quote", "signal_start", "signal_end"),
        "copy the signal from the source text and recompute its offsets with `alliance-data anchor`",
    ),
    Rule(
        "link_signal_carries_link",
        "link_signals",
        "decision",
        f"""
        SELECT * FROM (
            SELECT s._row, s.source_id, s.signal_start, s.decision, c.source_id IS NOT NULL AS carried
            FROM link_signals s LEFT JOIN ({_CARRIED}) c
                ON c.source_id = s.source_id AND c.signal_start = s.signal_start
               AND c.signal_end IS NOT DISTINCT FROM s.signal_end
        ) WHERE carried <> coalesce(decision = 'link', false)
        """,
        lambda row, context: (
            "decided as a link, but no explicit link in claim_links carries this signal"
            if row["decision"] == "link"
            else "decided as no link, but an explicit link in claim_links carries this signal"
        ),
        "give the explicit link this signal (or decide the signal as no_link with the reason), so both agree",
    ),
    Rule(
        "second_link_signal_at_offsets",
        "second_links",
        "signal_quote",
        f"""
        SELECT l._row, l.from_claim, l.to_claim, l.relation
        FROM ({_WITH_SOURCE.format(table="second_links")}) l
        {with_text("l.source_id", "l.signal_start", "l.signal_end", join="LEFT JOIN")}
        WHERE NOT ({_SIGNAL_NONE} OR n.text_length IS NULL
                   OR ({_SIGNAL_GIVEN} AND {span_ok("l.signal_start", "l.signal_end", "l.signal_quote")}))
        """,
        lambda row, context: "the signal is incomplete or is not the source text at its offsets",
        "give all three signal fields, copied from the source text, or none",
    ),
    Rule(
        "signal_follows_codebook",
        "claim_links",
        "relation",
        # Each distinct signal is matched against the signal table once (few distinct signals,
        # many links): matching every link against every pattern cost a minute at 1M claims.
        f"""
        WITH explicit AS (
            SELECT l._row, l.from_claim, l.to_claim, l.relation, l.signal_quote, {_SAID} AS said
            FROM claim_links l
            WHERE l.basis = 'explicit' AND l.signal_quote IS NOT NULL AND NOT {_DECIDED_EXPLICIT}
        ),
        matched AS (
            SELECT q.said, s.relation, s.weight
            FROM (SELECT DISTINCT said FROM explicit) q
            JOIN relation_signals s ON regexp_matches(q.said, s.pattern)
        ),
        best AS (SELECT said, max(weight) AS weight FROM matched GROUP BY said),
        best_of_relation AS (SELECT said, relation, max(weight) AS weight FROM matched GROUP BY said, relation)
        SELECT e._row, e.from_claim, e.to_claim, e.relation, e.signal_quote FROM explicit e
        LEFT JOIN best b ON b.said = e.said
        LEFT JOIN best_of_relation r ON r.said = e.said AND r.relation = e.relation
        WHERE b.weight IS NULL OR coalesce(r.weight, -1) < b.weight
        """,
        _binding_message,
        "code the relation the codebook lists the signal for (docs/curation.md, 'Which relation a signal marks'); "
        "an anaphor or echo makes the link implicit, a scope phrase is no signal; or record in "
        "data/coding_decisions.yaml (field 'signal') why this signal marks another relation here",
    ),
    Rule(
        "signal_near_claims",
        "claim_links",
        "signal_start",
        f"""
        SELECT l._row, l.from_claim, l.to_claim, l.relation, l.signal_quote, l.signal_start,
               least(a.char_start, b.char_start) AS span_start, greatest(a.char_end, b.char_end) AS span_end
        FROM claim_links l
        JOIN claims a ON a.claim_id = l.from_claim JOIN claims b ON b.claim_id = l.to_claim
        WHERE l.basis = 'explicit' AND l.signal_start IS NOT NULL AND l.signal_end IS NOT NULL
          AND (l.signal_end < least(a.char_start, b.char_start) - {SIGNAL_REACH}
               OR l.signal_start > greatest(a.char_end, b.char_end) + {SIGNAL_REACH})
          AND NOT {_DECIDED_EXPLICIT}
        """,
        lambda row, context: (
            f"{row['from_claim']} {row['relation']} {row['to_claim']}: the signal {row['signal_quote']!r} at "
            f"{row['signal_start']} lies more than {SIGNAL_REACH} characters outside the two claims "
            f"({row['span_start']}..{row['span_end']} and the text between them)"
        ),
        "anchor the connective that joins these two claims, next to them, or make the link implicit or inferred; "
        "or record in data/coding_decisions.yaml (field 'signal') why the distant signal joins them",
    ),
)
