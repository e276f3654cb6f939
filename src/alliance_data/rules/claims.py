"""Rules of each claim against its source text, section, topic, actors and cues."""

from __future__ import annotations

from ..curation.anchoring import anchor_problems
from .rule import Rule
from .sql import context_ok, letter_count, normalized, span_ok, with_text

ANCHOR = Rule(
    "quote_at_offsets",
    "claims",
    "quote",
    f"""
    SELECT c._row, c.claim_id, c.source_id, c.quote, c.char_start, c.char_end, c.prefix, c.suffix
    FROM claims c {with_text("c.source_id", "c.char_start", "c.char_end")}
    WHERE NOT ({span_ok("c.char_start", "c.char_end", "c.quote")}
               AND {context_ok("c.char_start", "c.char_end", "c.prefix", "c.suffix")})
    """,
    lambda row, context: "; ".join(
        message
        for _, message in anchor_problems(
            context.text(row["source_id"]) or "",
            row["quote"],
            row["char_start"],
            row["char_end"],
            row["prefix"],
            row["suffix"],
        )
    ),
    "copy the quote from the source text and recompute its anchor with `alliance-data anchor`",
)

_IN_SECTION = """
    SELECT c._row, c.claim_id, c.char_start, c.char_end, c.section_id, c.source_id,
           s.body_start, s.char_end AS section_end, s.source_id AS section_source
    FROM claims c JOIN sections s ON s.section_id = c.section_id
"""

CLAIM_RULES = (
    ANCHOR,
    Rule(
        "span_inside_section",
        "claims",
        "char_start",
        _IN_SECTION + "WHERE NOT coalesce(s.body_start <= c.char_start AND c.char_start < c.char_end "
        "AND c.char_end <= s.char_end, false)",
        lambda row, context: (
            f"span {row['char_start']}..{row['char_end']} is not inside the body of section {row['section_id']} "
            f"({row['body_start']}..{row['section_end']})"
        ),
        "give the section that holds the quote, or shorten the quote so it stays in one section",
    ),
    Rule(
        "section_source_matches",
        "claims",
        "section_id",
        _IN_SECTION + "WHERE s.source_id <> c.source_id",
        lambda row, context: (
            f"section {row['section_id']} belongs to source {row['section_source']}, not {row['source_id']}"
        ),
        "make source_id the source of the section",
    ),
    Rule(
        "claim_id_in_section",
        "claims",
        "claim_id",
        "SELECT _row, claim_id, section_id FROM claims WHERE NOT starts_with(claim_id, section_id || '-')",
        lambda row, context: f"claim id {row['claim_id']} does not start with its section id {row['section_id']}-",
        "number the claim within its section: <section_id>-NNN, using the next unused number",
    ),
    Rule(
        "topic_kind_matches",
        "claims",
        "topic_id",
        """
        SELECT c._row, c.claim_id, c.topic_id, c.kind, t.kind AS topic_kind
        FROM claims c JOIN topics t ON t.topic_id = c.topic_id
        WHERE t.kind <> c.kind
        """,
        lambda row, context: (
            f"topic {row['topic_id']} is of kind '{row['topic_kind']}', the claim of kind '{row['kind']}'"
        ),
        "choose a topic of the claim's kind (see data/topics.yaml), or correct the kind",
    ),
    Rule(
        # The weakest level among a claim's cues (certainty_cues: those in its quote, derived,
        # and those governing it, authored) by the one cue table; a cue outside the table
        # implies nothing, so only a hedge_note can account for it.
        "certainty_follows_hedge_cues",
        "claims",
        "certainty",
        """
        SELECT * FROM (
            SELECT c._row, c.claim_id, c.certainty, c.hedge_note, p.cues,
                   CASE WHEN coalesce(p.unknown, 0) = 0 THEN l.level END AS implied
            FROM claims c
            LEFT JOIN (
                SELECT k.claim_id, max(h.rank) AS rank, count(*) - count(h.rank) AS unknown,
                       string_agg(k.cue, '; ' ORDER BY k.char_start) AS cues
                FROM certainty_cues k LEFT JOIN hedge_cues h ON h.cue = k.cue
                GROUP BY k.claim_id
            ) p ON p.claim_id = c.claim_id
            LEFT JOIN certainty_levels l ON l.rank = coalesce(p.rank, 0)
        ) WHERE coalesce(certainty = implied, false) = (hedge_note IS NOT NULL)
        """,
        lambda row, context: (
            f"hedge_note given but certainty '{row['certainty']}' already follows its cues "
            f"('{row['implied'] or 'unknown'}')"
            if row["hedge_note"]
            else f"certainty is '{row['certainty']}' but its cues in certainty_cues ({row['cues'] or 'no cue'}) "
            f"give '{row['implied'] or 'unknown'}'"
        ),
        "set certainty to what the cue table gives, or keep it and explain in hedge_note why the cue is not a "
        "hedge there (a hedge_note is only for such departures)",
    ),
    Rule(
        "statement_in_own_words",
        "claims",
        "statement",
        # Equal normalized texts have as many e's: testing that first spares nearly every claim
        # the two regular expressions (benchmarks/PROFILE.md). A CASE, as an engine orders the
        # two sides of an AND itself (DuckDB put the regular expressions first).
        f"SELECT _row, claim_id FROM claims WHERE CASE WHEN {letter_count('statement', 'e')} = "
        f"{letter_count('quote', 'e')} THEN {normalized('statement')} = {normalized('quote')} ELSE false END",
        lambda row, context: "statement repeats the quote",
        "restate the claim in our own words as a self-contained sentence",
    ),
    Rule(
        "attribution_consistent",
        "claims",
        "attribution",
        """
        SELECT c._row, c.claim_id, c.attribution, h.claim_id IS NOT NULL AS has_holder
        FROM claims c
        LEFT JOIN (SELECT DISTINCT claim_id FROM claim_actors WHERE role = 'holder') h ON h.claim_id = c.claim_id
        WHERE coalesce(c.attribution = 'attributed', false) <> (h.claim_id IS NOT NULL)
        """,
        lambda row, context: (
            f"attribution is '{row['attribution']}' but the claim "
            f"{'has' if row['has_holder'] else 'has no'} actor with role 'holder'"
        ),
        "give the actors who hold an attributed view the role 'holder', and only in claims with attribution "
        "'attributed'",
    ),
    Rule(
        "period_only_for_history",
        "claims",
        "period_start",
        """
        SELECT _row, claim_id, time_frame FROM claims
        WHERE NOT coalesce(time_frame = 'historical', false)
          AND NOT (period_start IS NULL AND period_end IS NULL AND period_label IS NULL)
        """,
        lambda row, context: f"a {row['time_frame']} claim has a period",
        "give period_start, period_end and period_label only for historical claims",
    ),
    Rule(
        "period_in_order",
        "claims",
        "period_end",
        "SELECT _row, claim_id, period_start, period_end FROM claims WHERE period_start > period_end",
        lambda row, context: f"period_start {row['period_start']} is after period_end {row['period_end']}",
        "swap or correct the years",
    ),
    Rule(
        # Files are known on one machine only (a corpus has none): claim_files is empty there.
        "claim_in_its_section_file",
        "claims",
        "section_id",
        """
        SELECT c._row, c.claim_id, c.section_id, f.claims_dir
        FROM claims c JOIN claim_files f ON f._row = c._row
        WHERE f.file_section IS NOT NULL AND f.file_section <> c.section_id
        """,
        lambda row, context: (
            f"a claim of section {row['section_id']} stands in another section's file "
            f"(each file {row['claims_dir']}/<section_id>.yaml holds the claims of its section only)"
        ),
        "move the claim to claims/<section_id>.yaml of its section, or correct its section_id",
    ),
    Rule(
        "actor_exists_in_period",
        "claim_actors",
        "actor_id",
        """
        SELECT * FROM (
            SELECT ca._row, ca.claim_id, ca.actor_id, a.active_from, a.active_until,
                   coalesce(c.period_start, c.period_end) AS period_begins
            FROM claim_actors ca
            JOIN claims c ON c.claim_id = ca.claim_id
            LEFT JOIN actors a ON a.actor_id = ca.actor_id
        ) WHERE coalesce(period_begins < active_from, false) OR coalesce(period_begins > active_until, false)
        """,
        lambda row, context: (
            f"{row['actor_id']} exists from {row['active_from']}, but the claim's period begins in "
            f"{row['period_begins']}"
            if row["active_from"] is not None and row["period_begins"] < row["active_from"]
            else f"{row['actor_id']} existed until {row['active_until']}, but the claim's period begins in "
            f"{row['period_begins']}"
        ),
        "use the actor that existed then (SOVIET_UNION until 1991, RUS from 1991), or start the period with the "
        "last of the events it follows (docs/curation.md)",
    ),
)
