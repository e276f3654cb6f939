"""Rules of the curation records: the blind second coding and the decisions on it, the cues
that govern a claim's certainty, the actors' identifiers and the retired ids."""

from __future__ import annotations

from ..codebook.hedging import HEDGE_CUES
from ..codebook.registry import TABLES, Table
from ..curation.anchoring import span_problems
from ..curation.reliability import CODED_FIELDS
from .rule import Row, Rule
from .sql import inside, listed, literal, span_ok, span_text, with_text, words


def _value_of(alias: str) -> str:
    """The coded field a decision is about, read from a claim or second coding row."""
    cases = " ".join(f"WHEN {literal(field)} THEN CAST({alias}.{field} AS VARCHAR)" for field in CODED_FIELDS)
    return f"CASE d.field {cases} END"


_DISAGREEMENTS = ",\n".join(
    f"""c.{field} AS claim_{field},
        c.{field} IS NOT NULL AND c.{field} IS DISTINCT FROM s.{field}
        AND NOT EXISTS (SELECT 1 FROM coding_decisions d WHERE d.claim_id = s.claim_id AND d.field = '{field}')
        AS undecided_{field}"""
    for field in CODED_FIELDS
)


def _disagreements(row: Row) -> str:
    return "; ".join(
        f"{field} ('{row[f'claim_{field}']}' in the claim, '{row[field]}' by the second coder)"
        for field in CODED_FIELDS
        if row[f"undecided_{field}"]
    )


_DECISION_ISSUES = (
    ("resolved_differs", lambda row: f"resolved is '{row['resolved']}' but the claim has '{row['claim_value']}'"),
    (
        "blind_not_coded",
        lambda row: f"the blind second coding codes {', '.join(CODED_FIELDS)} only, not {row['field']}",
    ),
    (
        "second_differs",
        lambda row: f"second_coder is '{row['second_coder']}' but second_coding has '{row['second_value']}'",
    ),
    (
        "other_claim_misplaced",
        lambda row: "other_claim names the other end of a link decision (field link or signal), and only of one",
    ),
    ("nothing_decided", lambda row: "the coders agree and the value was kept, so there is nothing to decide"),
)

_CODED = listed(CODED_FIELDS)


def _cue_issues(row: Row) -> str:
    issues = []
    if not row["cue_known"]:
        issues.append(f"'{row['cue']}' is not a cue of the cue table (hedging.py)")
    if not row["offsets_ok"]:
        issues.append(f"offsets {row['char_start']}..{row['char_end']} are empty, reversed or outside the text")
    elif not row["words_ok"]:
        issues.append(f"the text at {row['char_start']}..{row['char_end']} is {row['found']!r}, not the cue")
    if row["governing_inside"]:
        issues.append("a governing cue stands inside the claim's quote, where the build finds it already")
    if row["reason_wrong"]:
        issues.append("a governing cue needs the reason its scope covers the claim (and a cue in the quote none)")
    return "; ".join(issues)


def id_tables() -> list[Table]:
    """The tables whose records carry an id of their own: one key column, not a reference."""
    return [
        table
        for table in TABLES
        if table.authored
        and len(table.primary_key) == 1
        and table.primary_key[0] not in {key.column for key in table.foreign_keys}
    ]


def _not_retired(table: Table) -> Rule:
    key = table.primary_key[0]
    return Rule(
        "id_not_retired",
        table.name,
        key,
        f"""
        SELECT t._row, t.{key}, r.reason FROM {table.name} t
        JOIN retired_ids r ON r."table" = {literal(table.name)} AND r.id = t.{key}
        """,
        lambda row, context: f"{key} {row[key]} was retired from {table.name} ({row['reason']}) and is never reused",
        "use the next unused number in the section"
        if table.name == "claims"
        else f"give the record a new {key}: a retired id is never used again",
    )


CURATION_RULES = (
    Rule(
        "claim_second_coded",
        "claims",
        "claim_id",
        """
        SELECT c._row, c.claim_id FROM claims c
        WHERE NOT EXISTS (SELECT 1 FROM second_coding s WHERE s.claim_id = c.claim_id)
          AND NOT EXISTS (SELECT 1 FROM coding_decisions d WHERE d.claim_id = c.claim_id
                          AND d.field = 'claim' AND d.raised_by = 'critical_reading')
        """,
        lambda row, context: "the claim has no independent second coding",
        "have a second coder code kind, topic_id and certainty blind (see docs/curation.md) and add the entry "
        "to data/second_coding.yaml",
    ),
    Rule(
        "disagreements_resolved",
        "second_coding",
        "claim_id",
        f"""
        SELECT * FROM (
            SELECT s._row, s.claim_id, {", ".join(f"s.{field}" for field in CODED_FIELDS)}, {_DISAGREEMENTS}
            FROM second_coding s JOIN claims c ON c.claim_id = s.claim_id
        ) WHERE {" OR ".join(f"undecided_{field}" for field in CODED_FIELDS)}
        """,
        lambda row, context: "coders disagree on " + _disagreements(row) + " with no decision",
        "add the resolution with its reason to data/coding_decisions.yaml",
    ),
    Rule(
        "decision_consistent",
        "coding_decisions",
        "resolved",
        f"""
        SELECT * FROM (
            SELECT d._row, d.claim_id, d.field, d.other_claim, d.resolved, d.second_coder,
                   {_value_of("c")} AS claim_value, {_value_of("s")} AS second_value,
                   d.field IN {_CODED} AND c.claim_id IS NOT NULL
                       AND d.resolved IS DISTINCT FROM {_value_of("c")} AS resolved_differs,
                   d.field NOT IN {_CODED} AND d.raised_by = 'second_coder' AS blind_not_coded,
                   d.field IN {_CODED} AND d.raised_by = 'second_coder' AND s.claim_id IS NOT NULL
                       AND d.second_coder IS DISTINCT FROM {_value_of("s")} AS second_differs,
                   (d.field IN ('link', 'signal')) <> (d.other_claim IS NOT NULL) AS other_claim_misplaced,
                   d.first_coder IS NOT DISTINCT FROM d.second_coder
                       AND d.second_coder IS NOT DISTINCT FROM d.resolved AS nothing_decided
            FROM coding_decisions d
            LEFT JOIN claims c ON c.claim_id = d.claim_id
            LEFT JOIN second_coding s ON s.claim_id = d.claim_id
        ) WHERE {" OR ".join(f"coalesce({name}, false)" for name, _ in _DECISION_ISSUES)}
        """,
        lambda row, context: "; ".join(say(row) for name, say in _DECISION_ISSUES if row[name]),
        "make the decision match the claim (resolved) and data/second_coding.yaml (second_coder)",
    ),
    Rule(
        "certainty_cue_anchored",
        "certainty_cues",
        "cue",
        f"""
        SELECT * FROM (
            SELECT k._row, k.claim_id, k.cue, k.char_start, k.char_end,
                   k.cue IN {listed(HEDGE_CUES)} AS cue_known,
                   coalesce({inside("k.char_start", "k.char_end")}, false)
                       AS offsets_ok,
                   {span_text("k.char_start", "k.char_end")} AS found,
                   coalesce({words(span_text("k.char_start", "k.char_end"))} = k.cue, false) AS words_ok,
                   coalesce(k.scope = 'governing' AND c.char_start <= k.char_start AND k.char_end <= c.char_end, false)
                       AS governing_inside,
                   coalesce(k.scope = 'governing', false) <> (k.reason IS NOT NULL) AS reason_wrong
            FROM certainty_cues k
            JOIN claims c ON c.claim_id = k.claim_id
            {with_text("c.source_id", "k.char_start", "k.char_end")}
        ) WHERE NOT (cue_known AND offsets_ok AND words_ok) OR governing_inside OR reason_wrong
        """,
        lambda row, context: _cue_issues(row),
        "anchor a governing cue at the cue's own words (a cue of hedging.py) outside the quote, with its reason",
    ),
    Rule(
        "second_segment_at_offsets",
        "second_segmentation",
        "quote",
        f"""
        SELECT s._row, s.source_id, s.quote, s.char_start, s.char_end
        FROM second_segmentation s {with_text("s.source_id", "s.char_start", "s.char_end")}
        WHERE NOT {span_ok("s.char_start", "s.char_end", "s.quote")}
        """,
        lambda row, context: "; ".join(
            message
            for _, message in span_problems(
                context.text(row["source_id"]) or "", row["quote"], row["char_start"], row["char_end"]
            )
        ),
        "copy the span from the source text and recompute its offsets with `alliance-data anchor`",
    ),
    Rule(
        "state_has_iso3",
        "actors",
        "iso3",
        """
        SELECT _row, actor_id FROM actors
        WHERE NOT coalesce((actor_type = 'state') = (iso3 IS NOT NULL) AND (iso3 IS NULL OR iso3 = actor_id), false)
        """,
        lambda row, context: "a state takes its ISO 3166-1 alpha-3 code as iso3 and actor_id; other actors have none",
        "set iso3 (and actor_id) to the state's alpha-3 code, or null for non-states",
    ),
    Rule(
        "wikidata_qid_unique",
        "actors",
        "wikidata_qid",
        """
        SELECT a._row, a.actor_id, a.wikidata_qid,
               string_agg(o.actor_id, ', ' ORDER BY o.actor_id) AS others
        FROM actors a JOIN actors o ON o.wikidata_qid = a.wikidata_qid AND o.actor_id <> a.actor_id
        GROUP BY a._row, a.actor_id, a.wikidata_qid
        """,
        lambda row, context: f"Wikidata item {row['wikidata_qid']} is also given to actor {row['others']}",
        "give each actor its own Wikidata item (check both on wikidata.org), or merge the two actors",
    ),
    *(_not_retired(table) for table in id_tables()),
    Rule(
        "retired_id_table_known",
        "retired_ids",
        "table",
        f"""SELECT _row, id, "table" FROM retired_ids WHERE "table" NOT IN {listed(t.name for t in id_tables())}""",
        lambda row, context: f"'{row['table']}' is not a table whose records have ids of their own",
        "name the table the id belonged to: " + ", ".join(table.name for table in id_tables()),
    ),
)
