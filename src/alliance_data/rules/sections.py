"""Rules of sections: each source's text is divided among its sections in reading order,
without overlap; outside them stand only the title block (before the first section, starting
with the source's title) and the blank lines between sections."""

from __future__ import annotations

from .rule import Row, Rule
from .sql import BLANK, BLANK_IN_LINE, span_text

# Lines with text in a title block: the title and a byline.
TITLE_BLOCK_LINES = 2
# How much of an uncovered stretch of text a message shows.
EXCERPT_CHARS = 40

# Each section with its neighbours in reading order (by ordinal, then start) and its text.
_IN_ORDER = """
    SELECT s._row, s.section_id, s.source_id, s.ordinal, s.char_start, s.char_end,
           lag(s.section_id) OVER (PARTITION BY s.source_id ORDER BY s.ordinal, s.char_start, s._row) AS prev_id,
           lag(s.ordinal) OVER (PARTITION BY s.source_id ORDER BY s.ordinal, s.char_start, s._row) AS prev_ordinal,
           lag(s.char_end) OVER (PARTITION BY s.source_id ORDER BY s.ordinal, s.char_start, s._row) AS prev_end,
           lead(s.section_id) OVER (PARTITION BY s.source_id ORDER BY s.ordinal, s.char_start, s._row) IS NULL
               AS is_last
    FROM sections s
"""

_OVERLAPS = f"SELECT * FROM ({_IN_ORDER}) WHERE char_start < prev_end"


def _excerpt(text: str) -> str:
    return repr(text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 3] + "...")


def _uncovered_message(row: Row, context) -> str:
    if row["front_bad"]:
        return (
            f"characters 0..{row['char_start']} before the first section ({_excerpt(row['front'])}) lie in no "
            f"section and are more than the title block (the title {row['title']!r}, a byline, blank lines)"
        )
    if row["gap_bad"]:
        return (
            f"characters {row['prev_end']}..{row['char_start']} ({_excerpt(row['gap'])}) between sections "
            f"{row['prev_id']} and {row['section_id']} lie in no section"
        )
    return (
        f"characters {row['char_end']}..{row['text_length']} ({_excerpt(row['tail'])}) after the last section, "
        f"{row['section_id']}, lie in no section"
    )


_EXCERPT = EXCERPT_CHARS + 1
# A title block as a pattern: lines that each end with a line break, at most TITLE_BLOCK_LINES
# of them with text, the others blank.
_BLANK_LINE = rf"(?:[{BLANK_IN_LINE}]*\n)*"
_TITLE_BLOCK = "^" + _BLANK_LINE + rf"(?:[^\n]*\n{_BLANK_LINE})?" * TITLE_BLOCK_LINES + "$"

SECTION_RULES = (
    Rule(
        # Without a section, no rule of sections looks at a source's text at all: a source whose
        # entry names another source's file would pass with none of its text placed.
        "source_text_in_sections",
        "sources",
        "source_id",
        """
        SELECT s._row, s.source_id, s.file_name
        FROM sources s JOIN source_texts t ON t.source_id = s.source_id
        WHERE NOT EXISTS (SELECT 1 FROM sections x WHERE x.source_id = s.source_id)
        """,
        lambda row, context: (
            f"source {row['source_id']} has no sections: none of its text ({row['file_name']}) lies in a section"
        ),
        "add the source's sections to sections.yaml (every source's text lies in its sections), or remove the "
        "source if its entry names another source's file by mistake",
    ),
    Rule(
        "section_span_valid",
        "sections",
        "char_start",
        f"""
        SELECT s._row, s.section_id, s.char_start, s.body_start, s.char_end
        FROM sections s JOIN source_texts t ON t.source_id = s.source_id
        WHERE NOT coalesce(CASE
            WHEN 0 <= s.char_start AND s.char_start <= s.body_start AND s.body_start < s.char_end
                 AND s.char_end <= t.text_length
            THEN s.heading IS NULL
                 OR {span_text("s.char_start", "least(s.char_end, s.char_start + length(s.heading))", b=None, n="t")}
                    = s.heading
            ELSE false END, false)
        """,
        lambda row, context: (
            f"section span {row['char_start']}..{row['body_start']}..{row['char_end']} "
            "is out of order, outside the text, or does not start with the heading"
        ),
        "set char_start at the heading, body_start at the first body character, char_end after the last",
    ),
    Rule(
        "section_id_scheme",
        "sections",
        "section_id",
        "SELECT _row, section_id, source_id, ordinal FROM sections "
        "WHERE section_id <> source_id || '-s' || CAST(ordinal AS VARCHAR)",
        lambda row, context: f"section id should be {row['source_id']}-s{row['ordinal']}",
        "name sections <source_id>-s<ordinal>",
    ),
    Rule(
        "sections_do_not_overlap",
        "sections",
        "char_start",
        _OVERLAPS,
        lambda row, context: (
            f"section {row['section_id']} (ordinal {row['ordinal']}) starts at {row['char_start']}, before section "
            f"{row['prev_id']} (ordinal {row['prev_ordinal']}) ends at {row['prev_end']}: sections overlap or are "
            "out of order"
        ),
        "give each section its own span, in reading order: char_start at or after the previous section's char_end",
    ),
    Rule(
        # Sources whose sections overlap are left to sections_do_not_overlap.
        "sections_cover_text",
        "sections",
        "char_start",
        f"""
        SELECT * FROM (
            SELECT *,
                prev_end IS NULL AND char_start > 0 AND NOT (
                    starts_with(front_all, coalesce(title, '')) AND regexp_matches(front_all, '{_TITLE_BLOCK}')
                ) AS front_bad,
                prev_end IS NOT NULL AND NOT regexp_matches(gap_all, '{BLANK}') AS gap_bad,
                is_last AND NOT regexp_matches(tail_all, '{BLANK}') AS tail_bad,
                substring(front_all, 1, {_EXCERPT}) AS front,
                substring(gap_all, 1, {_EXCERPT}) AS gap,
                substring(tail_all, 1, {_EXCERPT}) AS tail
            FROM (
                SELECT o.*, src.title, t.text_length,
                       {span_text("0", "o.char_start", b=None, n="t")} AS front_all,
                       {span_text("o.prev_end", "o.char_start", b=None, n="t")} AS gap_all,
                       {span_text("o.char_end", "t.text_length", b=None, n="t")} AS tail_all
                FROM ({_IN_ORDER}) o
                JOIN source_texts t ON t.source_id = o.source_id
                LEFT JOIN sources src ON src.source_id = o.source_id
                WHERE o.source_id NOT IN (SELECT source_id FROM ({_OVERLAPS}))
            )
        ) WHERE front_bad OR gap_bad OR tail_bad
        """,
        _uncovered_message,
        "extend the neighbouring section over that text (only blank lines between sections, and the title block "
        "before the first, stand outside every section)",
    ),
)
