"""Table-level validation with pandera: keys, foreign keys, spans, hedging and cross-table rules.

Each table gets a pandera schema derived from its columns (types, nullability,
enumerations, patterns, ranges, primary key) plus the rules below, which need other
tables or the source texts. All rules run lazily so every failure is reported at once;
each failure is turned into a Problem that names the file, line, record and field.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc

from . import plain_text
from .anchoring import anchor_problems, span_matches, span_problems
from .columns import Column
from .hedging import HEDGE_CUES, certainty_of_cues, normalized_cue
from .identifiers import CONTEXT_CHARS
from .problems import ProblemList
from .reading import Dataset
from .registry import CHECKED_TABLES, TABLES, TABLES_BY_NAME, Table
from .reliability import CODED_FIELDS


@dataclass(frozen=True)
class Rule:
    """A check over a whole table: `passes` marks each row, `explain` says what is wrong with one."""

    name: str
    table: str
    field: str
    passes: Callable[[pd.DataFrame, Dataset], pd.Series]
    explain: Callable[[dict[str, Any], Dataset], str]
    fix: str


# Arrow-backed text columns: pandera's pattern, set and null checks then run in Arrow's C++
# kernels instead of one Python call per value (object columns were 4x slower, 1M claims).
_TEXT = pd.StringDtype("pyarrow", na_value=float("nan"))
_PANDAS_TYPES = {pyarrow.int64(): pd.Int64Dtype(), pyarrow.string(): _TEXT}


def _frame(dataset: Dataset, table: Table) -> pd.DataFrame:
    """The table as a DataFrame in row order (index = row position, for its origin)."""
    return _cached(
        dataset,
        f"frame:{table.name}",
        lambda: dataset.table(table.name).select(table.column_names).to_pandas(types_mapper=_PANDAS_TYPES.get),
    )


def _isin(values: pd.Series, known: Any) -> pd.Series:
    """`values.isin(known)` for text, in Arrow: pandas' own isin on Arrow-backed text turns
    every known value into a Python object first, which cost seconds per foreign key at 1M rows."""
    if isinstance(known, (set, frozenset, dict)):
        known = sorted(known)
    found = pc.is_in(pyarrow.array(values, pyarrow.string()), value_set=pyarrow.array(known, pyarrow.string()))
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


def _plain(values: pd.Series) -> pd.Series:
    """Each value is plain text of our own (plain_text.py), checked in Arrow's regex engine."""
    array = pyarrow.array(values, pyarrow.string())
    hidden = pc.match_substring_regex(array, plain_text.forbidden_class())
    shown = pc.match_substring_regex(array, plain_text.visible_class())
    ok = pc.fill_null(pc.and_(pc.invert(hidden), shown), True)
    return pd.Series(ok.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


def _column_checks(column: Column) -> list[pa.Check]:
    checks = []
    if column.enum:
        checks.append(pa.Check.isin(column.levels, name="enum", error="enum"))
    if column.pattern:
        checks.append(pa.Check.str_matches(column.pattern, name="pattern", error="pattern"))
    if column.min_length:
        checks.append(pa.Check.str_length(min_value=column.min_length, name="min_length", error="min_length"))
    if column.max_length:
        checks.append(pa.Check.str_length(max_value=column.max_length, name="max_length", error="max_length"))
    if column.plain:
        checks.append(pa.Check(_plain, name="plain_text", error="plain_text"))
    if column.ge is not None:
        checks.append(pa.Check.ge(column.ge, name="ge", error="ge"))
    if column.le is not None:
        checks.append(pa.Check.le(column.le, name="le", error="le"))
    return checks


def _foreign_key_check(dataset: Dataset, key) -> Callable[[pd.Series], pd.Series]:
    """Each value is null or a known parent id. The parent ids are gathered once, as a set
    (sorting a million ids into a list for `Check.isin`, which pandera then copies, costs
    seconds at scale)."""

    def parents() -> pd.Series:
        ids = _frame(dataset, TABLES_BY_NAME[key.table])[key.other_column]
        # Ids of parent records that failed their own checks count as known, so one bad
        # record is reported once, not again by every child.
        invalid = pd.Series(sorted(dataset.invalid_ids.get(key.table, set())), dtype=_TEXT)
        return pd.concat([ids, invalid], ignore_index=True).drop_duplicates()

    def check(values: pd.Series) -> pd.Series:
        known = _cached(dataset, f"parents:{key.table}.{key.other_column}", parents)
        return values.isna() | _isin(values, known)

    return check


def table_schema(table: Table, dataset: Dataset | None = None) -> pa.DataFrameSchema:
    """The pandera schema of a table, derived from its model; with foreign keys and table
    rules when a dataset is given to resolve them against."""
    columns = {}
    for column in table.columns:
        checks = _column_checks(column)
        if dataset is not None:
            for key in table.foreign_keys:
                if key.column == column.name:
                    name = f"fk:{key.table}.{key.other_column}"
                    checks.append(pa.Check(_foreign_key_check(dataset, key), name=name, error=name))
        dtype = "Int64" if column.dtype == "integer" else _TEXT
        columns[column.name] = pa.Column(dtype, checks, nullable=column.nullable, description=column.description)
    wide = []
    if dataset is not None:
        wide = [
            pa.Check(lambda frame, rule=rule: rule.passes(frame, dataset), name=f"rule:{rule.name}")
            for rule in RULES
            if rule.table == table.name
        ]
    return pa.DataFrameSchema(
        columns,
        checks=wide,
        unique=list(table.primary_key),
        strict=True,
        name=table.name,
        description=table.description,
    )


# ---------------------------------------------------------------------------------------
# Rules that need other tables or the source texts.


def _cached(dataset: Dataset, name: str, compute: Callable[[], Any]) -> Any:
    """Compute a lookup once per validation run, not once per row."""
    cache = dataset.__dict__.setdefault("_rule_cache", {})
    if name not in cache:
        cache[name] = compute()
    return cache[name]


def _keyed(dataset: Dataset, table: str, key: str) -> pd.DataFrame:
    """A table indexed by `key`; of repeated keys the last row counts (the duplicate itself is
    reported by the table's key check)."""
    return _cached(
        dataset,
        f"keyed:{table}:{key}",
        lambda: _frame(dataset, TABLES_BY_NAME[table]).drop_duplicates(key, keep="last").set_index(key),
    )


def _record(dataset: Dataset, table: str, key: str, value: Any) -> dict[str, Any] | None:
    """One row of a table by key, as a dict with None for nulls; None when there is none.
    For messages only: the checks themselves look up whole columns."""
    keyed = _keyed(dataset, table, key)
    if value is None or value not in keyed.index:
        return None
    row = keyed.loc[value]
    return {key: value, **{name: (None if pd.isna(item) else item) for name, item in row.items()}}


def _attribute(dataset: Dataset, table: str, key: str, column: str) -> pd.Series:
    """A column of a table indexed by its key, for vectorized lookups (`Series.map`)."""
    return _keyed(dataset, table, key)[column]


def _or_unknown(passes: pd.Series, looked_up: pd.Series) -> pd.Series:
    """Rows whose parent is unknown pass: the foreign-key check reports them once."""
    return (passes | looked_up.isna()).astype(bool)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a frame as dicts, None for null (as the models and messages expect)."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _rowwise(test: Callable[[dict[str, Any], Dataset], bool]) -> Callable[[pd.DataFrame, Dataset], pd.Series]:
    def passes(frame: pd.DataFrame, dataset: Dataset) -> pd.Series:
        return pd.Series([test(row, dataset) for row in _records(frame)], index=frame.index, dtype=bool)

    return passes


def _anchor_issues(row: dict[str, Any], dataset: Dataset) -> list[tuple[str, str]]:
    text = dataset.texts.get(row["source_id"])
    if text is None:  # the source's own problem is reported already
        return []
    return anchor_problems(text, row["quote"], row["char_start"], row["char_end"], row["prefix"], row["suffix"])


def _section_of(row: dict[str, Any], dataset: Dataset) -> dict[str, Any] | None:
    return _record(dataset, "sections", "section_id", row["section_id"])


def _certainty_message(row: dict[str, Any], dataset: Dataset) -> str:
    cues = _cues_of_claims(dataset).get(row["claim_id"], [])
    implied = certainty_of_cues(cues).value if all(cue in HEDGE_CUES for cue in cues) else "unknown"
    if row["hedge_note"]:
        return f"hedge_note given but certainty '{row['certainty']}' already follows its cues ('{implied}')"
    listed = "; ".join(cues) or "no cue"
    return f"certainty is '{row['certainty']}' but its cues in certainty_cues ({listed}) give '{implied}'"


def _normalized(value: str) -> str:
    """A text up to case, punctuation and spacing: casefolded, every run of punctuation, symbols
    and whitespace one space, no space at either end. A statement equal to its quote so is no
    restatement."""
    return " ".join(value.casefold().translate(_SEPARATORS).split())


class _SeparatorTable(dict):
    """`str.translate` table: punctuation, symbols and whitespace to a space, every other
    character to itself; filled as characters are met."""

    def __missing__(self, code: int) -> int | str:
        character = chr(code)
        self[code] = " " if character.isspace() or unicodedata.category(character)[0] in "PS" else code
        return self[code]


_SEPARATORS = _SeparatorTable()


def _claims_with_holders(dataset: Dataset) -> pd.Series:
    def holders() -> pd.Series:
        actors = _frame(dataset, TABLES_BY_NAME["claim_actors"])
        return actors.loc[actors["role"] == "holder", "claim_id"].drop_duplicates()

    return _cached(dataset, "holders", holders)


# Column-wise forms of the claim rules: one pass over the columns, no per-row dicts, so the
# same rules validate a million claims (see benchmarks/).


def _values(column: pd.Series) -> list[Any]:
    """A column as Python values (None for null), straight from Arrow: iterating an
    Arrow-backed Series boxes each value through pandas, several times slower."""
    return pyarrow.array(column).to_pylist()


def _anchors_verify(frame: pd.DataFrame, dataset: Dataset) -> pd.Series:
    texts, width = dataset.texts, CONTEXT_CHARS
    ok = []
    columns = ("source_id", "quote", "char_start", "char_end", "prefix", "suffix")
    for source_id, quote, start, end, prefix, suffix in zip(*(_values(frame[c]) for c in columns), strict=True):
        text = texts.get(source_id)
        ok.append(
            text is None
            or (
                0 <= start < end <= len(text)
                and text[start:end] == quote
                and text[max(0, start - width) : start] == prefix
                and text[end : end + width] == suffix
            )
        )
    return pd.Series(ok, index=frame.index, dtype=bool)


def _inside_sections(frame: pd.DataFrame, dataset: Dataset) -> pd.Series:
    body_start = frame["section_id"].map(_attribute(dataset, "sections", "section_id", "body_start")).astype("Int64")
    section_end = frame["section_id"].map(_attribute(dataset, "sections", "section_id", "char_end")).astype("Int64")
    inside = (body_start <= frame["char_start"]) & (frame["char_start"] < frame["char_end"])
    inside &= frame["char_end"] <= section_end
    return _or_unknown(inside.fillna(False), body_start)


def _sources_match(frame: pd.DataFrame, dataset: Dataset) -> pd.Series:
    source = frame["section_id"].map(_attribute(dataset, "sections", "section_id", "source_id"))
    return _or_unknown(source == frame["source_id"], source)


def _topic_kinds_match(frame: pd.DataFrame, dataset: Dataset) -> pd.Series:
    kind = frame["topic_id"].map(_attribute(dataset, "topics", "topic_id", "kind"))
    return _or_unknown(kind == frame["kind"], kind)


def _cues_of_claims(dataset: Dataset) -> dict[str, list[str]]:
    """Each claim's deciding cues (certainty_cues: in its quote and governing it), in text order."""

    def cues() -> dict[str, list[str]]:
        table = dataset.table("certainty_cues").sort_by([("claim_id", "ascending"), ("char_start", "ascending")])
        found: dict[str, list[str]] = {}
        for claim_id, cue in zip(table["claim_id"].to_pylist(), table["cue"].to_pylist(), strict=True):
            found.setdefault(claim_id, []).append(cue)
        return found

    return _cached(dataset, "cues_of_claims", cues)


def _certainties_follow_cues(frame: pd.DataFrame, dataset: Dataset) -> pd.Series:
    # certainty_cues is derived from the quotes (and the authored governing cues) before the
    # rules run (derive.py). Distinct cue lists are few, so each is looked up once.
    by_claim = {claim: "; ".join(cues) for claim, cues in _cues_of_claims(dataset).items()}
    cues = frame["claim_id"].map(by_claim).fillna("")
    implied = {}
    for value in cues.unique():
        listed = value.split("; ") if value else []
        implied[value] = certainty_of_cues(listed).value if all(c in HEDGE_CUES for c in listed) else None
    return (frame["certainty"].astype(object) == cues.map(implied)) != frame["hedge_note"].notna()


# Among ASCII characters: the punctuation and symbols (Unicode's P and S categories are RE2's
# [:punct:] there) and the whitespace Python's str.isspace() knows.
_ASCII_SEPARATOR_RUN = r"[[:punct:] \t\n\r\x0b\x0c\x1c-\x1f]+"
_ASCII_SEPARATORS = string.punctuation + " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def _normalized_ascii(values: pyarrow.Array | pyarrow.ChunkedArray) -> pyarrow.Array:
    """`_normalized` of ASCII text, in Arrow: for ASCII, casefold is lower-casing."""
    # utf8_lower, not ascii_lower: pyarrow 26's ascii_lower writes invalid offsets for arrays
    # whose first offset is not 0, which pandas hands over (tests/test_columnwise_rules.py).
    lowered = pc.utf8_lower(values)
    lowered = lowered.combine_chunks() if isinstance(lowered, pyarrow.ChunkedArray) else lowered
    return pc.utf8_trim(pc.replace_substring_regex(lowered, _ASCII_SEPARATOR_RUN, " "), " ")


# The separators of `_normalized` in RE2's syntax, for any text: Unicode punctuation, symbols and
# separators, and the other characters Python's str.isspace() knows.
_SEPARATOR_RUN = r"[\pP\pS\pZ\t\n\x0b\x0c\r\x1c-\x1f\x{85}]+"


def _ends(values: pyarrow.Array, ascii: bool) -> tuple[list[str | None], list[str | None]] | tuple[Any, Any]:
    """The first and last character of each text once the separators at either end are trimmed:
    for ASCII text lowered, as Arrow arrays; for other text as lists, to be case-folded in Python.
    Two texts whose `_normalized` forms are equal agree on both: a cheap filter before the full
    comparison."""
    if ascii:
        trimmed = pc.utf8_trim(pc.utf8_lower(values), _ASCII_SEPARATORS)
    else:
        trimmed = pc.replace_substring_regex(values, f"^{_SEPARATOR_RUN}|{_SEPARATOR_RUN}$", "")
    first, last = pc.utf8_slice_codeunits(trimmed, 0, 1), pc.utf8_slice_codeunits(trimmed, -1)
    return (first, last) if ascii else (first.to_pylist(), last.to_pylist())


def _statements_differ(frame: pd.DataFrame, dataset: Dataset) -> pd.Series:
    statements, quotes = pyarrow.array(frame["statement"]), pyarrow.array(frame["quote"])
    differ = numpy.ones(len(statements), dtype=bool)
    both_ascii = pc.fill_null(pc.and_(pc.string_is_ascii(statements), pc.string_is_ascii(quotes)), True)
    # ASCII text: in Arrow, the regex only for pairs whose ends agree.
    rows = pc.indices_nonzero(both_ascii)
    (first_s, last_s), (first_q, last_q) = (_ends(pc.take(column, rows), ascii=True) for column in (statements, quotes))
    alike = pc.fill_null(pc.and_(pc.equal(first_s, first_q), pc.equal(last_s, last_q)), False)
    rows = pc.take(rows, pc.indices_nonzero(alike))
    same = pc.equal(_normalized_ascii(pc.take(statements, rows)), _normalized_ascii(pc.take(quotes, rows)))
    differ[rows.to_numpy()] = pc.invert(pc.fill_null(same, False)).to_numpy(zero_copy_only=False)
    # Other text, by the definition itself (Unicode case folding and categories), for pairs whose
    # case-folded ends agree.
    rows = pc.indices_nonzero(pc.invert(both_ascii))
    ends = [_ends(pc.take(column, rows), ascii=False) for column in (statements, quotes)]
    texts = (pc.take(column, rows).to_pylist() for column in (statements, quotes))
    for position, statement, quote, first_s, last_s, first_q, last_q in zip(
        rows.to_pylist(), *texts, *ends[0], *ends[1], strict=True
    ):
        if first_s.casefold()[:1] == first_q.casefold()[:1] and last_s.casefold()[-1:] == last_q.casefold()[-1:]:
            differ[position] = _normalized(statement) != _normalized(quote)
    return pd.Series(differ, index=frame.index, dtype=bool)


def _ids_in_sections(frame: pd.DataFrame, dataset: Dataset) -> pd.Series:
    return pd.Series(
        [c.startswith(s + "-") for c, s in zip(_values(frame["claim_id"]), _values(frame["section_id"]), strict=True)],
        index=frame.index,
        dtype=bool,
    )


def _periods_only_for_history(frame: pd.DataFrame, dataset: Dataset) -> pd.Series:
    no_period = frame["period_start"].isna() & frame["period_end"].isna() & frame["period_label"].isna()
    return (frame["time_frame"] == "historical") | no_period


def _periods_in_order(frame: pd.DataFrame, dataset: Dataset) -> pd.Series:
    ordered = frame["period_start"] <= frame["period_end"]
    return (ordered | frame["period_start"].isna() | frame["period_end"].isna()).fillna(True).astype(bool)


def _section_span_ok(row: dict[str, Any], dataset: Dataset) -> bool:
    text = dataset.texts.get(row["source_id"])
    if text is None:
        return True
    heading_ok = (
        row["heading"] is None or text[row["char_start"] : row["char_start"] + len(row["heading"])] == row["heading"]
    )
    bounds_ok = 0 <= row["char_start"] <= row["body_start"] < row["char_end"] <= len(text)
    return heading_ok and bounds_ok


def _decisions(dataset: Dataset) -> dict[tuple[str, str, str | None], dict[str, Any]]:
    def decisions() -> dict[tuple[str, str, str | None], dict[str, Any]]:
        rows = _records(_frame(dataset, TABLES_BY_NAME["coding_decisions"]))
        return {(row["claim_id"], row["field"], row["other_claim"]): row for row in rows}

    return _cached(dataset, "decisions", decisions)


def _undecided_disagreements(row: dict[str, Any], dataset: Dataset) -> list[str]:
    claim = _record(dataset, "claims", "claim_id", row["claim_id"])
    if claim is None:
        return []
    decisions = _decisions(dataset)
    missing = []
    for field in CODED_FIELDS:
        decision = decisions.get((row["claim_id"], field, None))
        if decision is None and row[field] != claim[field]:
            missing.append(f"{field} ('{claim[field]}' in the claim, '{row[field]}' by the second coder)")
    return missing


def _disagreements_decided(frame: pd.DataFrame, dataset: Dataset) -> pd.Series:
    decided = list(_decisions(dataset))
    ok = pd.Series(True, index=frame.index)
    for field in CODED_FIELDS:
        first = frame["claim_id"].map(_attribute(dataset, "claims", "claim_id", field))
        agrees = ((first == frame[field]) | first.isna()).astype(bool)
        has_decision = _isin(
            frame["claim_id"], [claim for claim, decided_field, _ in decided if decided_field == field]
        )
        ok &= agrees | has_decision
    return ok


def _decision_issues(row: dict[str, Any], dataset: Dataset) -> list[str]:
    claim = _record(dataset, "claims", "claim_id", row["claim_id"])
    second = _record(dataset, "second_coding", "claim_id", row["claim_id"])
    coded = row["field"] in CODED_FIELDS
    issues = []
    if coded and claim is not None and row["resolved"] != claim[row["field"]]:
        issues.append(f"resolved is '{row['resolved']}' but the claim has '{claim[row['field']]}'")
    blind = row["raised_by"] == "second_coder"
    if not coded and blind:
        issues.append(f"the blind second coding codes {', '.join(CODED_FIELDS)} only, not {row['field']}")
    if coded and blind and second is not None and row["second_coder"] != second[row["field"]]:
        issues.append(f"second_coder is '{row['second_coder']}' but second_coding has '{second[row['field']]}'")
    if (row["field"] == "link") != (row["other_claim"] is not None):
        issues.append("other_claim names the other end of a link decision, and only of one")
    if row["first_coder"] == row["second_coder"] == row["resolved"]:
        issues.append("the coders agree and the value was kept, so there is nothing to decide")
    return issues


# ---------------------------------------------------------------------------------------
# The argument layer: link signals, certainty cues, periods and the second coding.


# ---------------------------------------------------------------------------------------
# Sections: each source's text is divided among its sections in reading order, without
# overlap; outside them stand only the title block (before the first section, starting with
# the source's title) and the blank lines between sections.

# Whitespace by Python's `\s` except the four information separators (U+001C..U+001F), which
# Java's Unicode `\s` does not count: so the Spark form decides the same.
_BLANK_GAP = re.compile(r"[^\S\x1c-\x1f]*")
# Lines with text in a title block: the title and a byline.
TITLE_BLOCK_LINES = 2


def _sections_in_order(dataset: Dataset) -> dict[str, list[dict[str, Any]]]:
    """The sections of each source, by ordinal (then start)."""

    def ordered() -> dict[str, list[dict[str, Any]]]:
        by_source: dict[str, list[dict[str, Any]]] = {}
        for row in _records(_frame(dataset, TABLES_BY_NAME["sections"])):
            by_source.setdefault(row["source_id"], []).append(row)
        order = lambda row: (row["ordinal"], row["char_start"])  # noqa: E731
        return {source: sorted(rows, key=order) for source, rows in by_source.items()}

    return _cached(dataset, "sections_in_order", ordered)


def _overlaps(dataset: Dataset) -> dict[str, str]:
    """Section id -> how it overlaps the section before it in reading order."""

    def find() -> dict[str, str]:
        found = {}
        for rows in _sections_in_order(dataset).values():
            for before, section in pairwise(rows):
                if section["char_start"] < before["char_end"]:
                    found[section["section_id"]] = (
                        f"section {section['section_id']} (ordinal {section['ordinal']}) starts at "
                        f"{section['char_start']}, before section {before['section_id']} (ordinal "
                        f"{before['ordinal']}) ends at {before['char_end']}: sections overlap or are out of order"
                    )
        return found

    return _cached(dataset, "section_overlaps", find)


def _excerpt(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _uncovered(dataset: Dataset) -> dict[str, str]:
    """Section id -> the text next to it that lies in no section (sources whose sections
    overlap are left to `_overlaps`)."""

    def find() -> dict[str, str]:
        found = {}
        sources = _frame(dataset, TABLES_BY_NAME["sources"])
        titles = dict(zip(_values(sources["source_id"]), _values(sources["title"]), strict=True))
        overlapping = set(_overlaps(dataset))
        for source_id, rows in _sections_in_order(dataset).items():
            text = dataset.texts.get(source_id)
            if text is None or any(row["section_id"] in overlapping for row in rows):
                continue
            first, last = rows[0], rows[-1]
            title = titles.get(source_id) or ""
            front = text[: first["char_start"]]
            if front and not _title_block(front, title):
                found[first["section_id"]] = (
                    f"characters 0..{first['char_start']} before the first section ({_excerpt(front)}) lie in no "
                    f"section and are more than the title block (the title {title!r}, a byline, blank lines)"
                )
            for before, section in pairwise(rows):
                gap = text[before["char_end"] : section["char_start"]]
                if not _BLANK_GAP.fullmatch(gap):
                    found[section["section_id"]] = (
                        f"characters {before['char_end']}..{section['char_start']} ({_excerpt(gap)}) between sections "
                        f"{before['section_id']} and {section['section_id']} lie in no section"
                    )
            tail = text[last["char_end"] :]
            if not _BLANK_GAP.fullmatch(tail):
                found.setdefault(
                    last["section_id"],
                    f"characters {last['char_end']}..{len(text)} ({_excerpt(tail)}) after the last section, "
                    f"{last['section_id']}, lie in no section",
                )
        return found

    return _cached(dataset, "sections_uncovered", find)


def _title_block(front: str, title: str) -> bool:
    """Whether the text before the first section is a title block: it starts with the title, holds
    at most one more line with text (a byline), and ends with a line break."""
    lines = [line for line in front.split("\n") if not _BLANK_GAP.fullmatch(line)]
    return front.startswith(title) and len(lines) <= TITLE_BLOCK_LINES and front.endswith("\n")


def _section_checks(find: Callable[[Dataset], dict[str, str]]) -> Callable[[pd.DataFrame, Dataset], pd.Series]:
    return lambda frame, dataset: ~_isin(frame["section_id"], set(find(dataset)))


# ---------------------------------------------------------------------------------------
# Links: the causal relations never run in a circle, and a pair of claims is not linked both
# causally and as a contradiction.

CAUSAL_RELATIONS = ("drives", "enables", "implies")


def causal_cycle_edges(edges: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """The edges (from, to) that lie on a cycle of the directed graph: those whose two ends are
    distinct and in one strongly connected component (Tarjan's algorithm, without recursion).
    A self-link is left to `link_not_to_itself`. Also used by the Spark form."""
    graph: dict[str, list[str]] = {}
    for start, end in edges:
        graph.setdefault(start, []).append(end)
        graph.setdefault(end, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    component: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in graph:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            successors = graph[node]
            if position < len(successors):
                work.append((node, position + 1))
                successor = successors[position]
                if successor not in index:
                    work.append((successor, 0))
                elif successor in on_stack:
                    low[node] = min(low[node], index[successor])
                continue
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = index[node]
                    if member == node:
                        break
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return {(start, end) for start, end in edges if start != end and component[start] == component[end]}


def _causal_links(dataset: Dataset) -> pd.DataFrame:
    links = _frame(dataset, TABLES_BY_NAME["claim_links"])
    return links.loc[links["relation"].isin(list(CAUSAL_RELATIONS)), ["from_claim", "to_claim", "relation"]]


def _on_causal_cycle(dataset: Dataset) -> set[tuple[str, str]]:
    def find() -> set[tuple[str, str]]:
        causal = _causal_links(dataset)
        return causal_cycle_edges(list(zip(_values(causal["from_claim"]), _values(causal["to_claim"]), strict=True)))

    return _cached(dataset, "causal_cycles", find)


def _no_causal_cycle(frame: pd.DataFrame, dataset: Dataset) -> pd.Series:
    on_cycle = _on_causal_cycle(dataset)
    pairs = zip(_values(frame["from_claim"]), _values(frame["to_claim"]), strict=True)
    causal = frame["relation"].isin(list(CAUSAL_RELATIONS)).to_numpy()
    return pd.Series(
        [not (is_causal and pair in on_cycle) for is_causal, pair in zip(causal, pairs, strict=True)],
        index=frame.index,
        dtype=bool,
    )


# A message shows a way back of at most this many claims, and looks for it among at most
# SEARCHED claims: a long cycle is reported at each of its links, and each search stays bounded.
WAY_BACK_SHOWN = 8
WAY_BACK_SEARCHED = 1000


def _cycle_successors(dataset: Dataset) -> dict[str, list[str]]:
    def successors() -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for start, end in sorted(_on_causal_cycle(dataset)):
            found.setdefault(start, []).append(end)
        return found

    return _cached(dataset, "cycle_successors", successors)


def _cycle_message(row: dict[str, Any], dataset: Dataset) -> str:
    """The link, and the shortest way back from its target to its start along causal links."""
    successors = _cycle_successors(dataset)
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
    path, node = [], start
    while node is not None:
        path.append(node)
        node = came_from[node]
    path.reverse()
    if len(path) > WAY_BACK_SHOWN:
        path = [*path[: WAY_BACK_SHOWN // 2], f"({len(path) - WAY_BACK_SHOWN} more)", *path[-WAY_BACK_SHOWN // 2 :]]
    return f"{link}, and {' -> '.join(path)} leads back by causal links: a cycle of causes"


def _pair_key(frame: pd.DataFrame) -> pd.Series:
    """The unordered pair of claims a link joins, as one value."""
    first = frame["from_claim"].where(frame["from_claim"] <= frame["to_claim"], frame["to_claim"])
    second = frame["to_claim"].where(frame["from_claim"] <= frame["to_claim"], frame["from_claim"])
    return first.astype(str) + " " + second.astype(str)


def _not_causal_and_contradicting(frame: pd.DataFrame, dataset: Dataset) -> pd.Series:
    contradicting = frame["relation"] == "contradicts"
    ok = pd.Series(True, index=frame.index)
    if contradicting.any():
        causal_pairs = set(_pair_key(_causal_links(dataset)))
        ok[contradicting] = ~_isin(_pair_key(frame[contradicting]), causal_pairs)
    return ok


def _link_text(row: dict[str, Any], dataset: Dataset) -> str | None:
    """The source text of a link's from_claim (where its signal stands); None when unknown."""
    claim = _record(dataset, "claims", "claim_id", row["from_claim"])
    return None if claim is None else dataset.texts.get(claim["source_id"])


def _signal_presence_ok(frame: pd.DataFrame, dataset: Dataset) -> pd.Series:
    given = frame[["signal_quote", "signal_start", "signal_end"]].notna()
    explicit = frame["basis"] == "explicit"
    return (given.all(axis=1) & explicit) | (~given.any(axis=1) & ~explicit)


def _signal_issues(row: dict[str, Any], dataset: Dataset) -> list[tuple[str, str]]:
    text = _link_text(row, dataset)
    if text is None or row["signal_quote"] is None or row["signal_start"] is None or row["signal_end"] is None:
        return []  # an unknown claim or a missing signal is reported by its own check
    return span_problems(text, row["signal_quote"], row["signal_start"], row["signal_end"])


def _decided_signals(dataset: Dataset) -> set:
    """(source_id, start, end) of every signal data/link_signals.yaml decides as a link."""

    def decided() -> set:
        rows = _records(_frame(dataset, TABLES_BY_NAME["link_signals"]))
        return {(r["source_id"], r["signal_start"], r["signal_end"]) for r in rows if r["decision"] == "link"}

    return _cached(dataset, "decided_signals", decided)


def _link_sources(frame: pd.DataFrame, dataset: Dataset) -> list[Any]:
    """The source of each link's from_claim (None when the claim is unknown), column-wise."""
    sources = frame["from_claim"].map(_attribute(dataset, "claims", "claim_id", "source_id"))
    return [None if pd.isna(source) else source for source in sources.tolist()]


def _signal_spans(frame: pd.DataFrame, dataset: Dataset) -> list[tuple[Any, Any, Any]]:
    """(source_id, signal_start, signal_end) of each link."""
    starts, ends = _values(frame["signal_start"]), _values(frame["signal_end"])
    return list(zip(_link_sources(frame, dataset), starts, ends, strict=True))


def _explicit_signals(dataset: Dataset) -> set:
    """(source_id, start, end) of every explicit link's signal."""

    def spans() -> set:
        links = _frame(dataset, TABLES_BY_NAME["claim_links"])
        links = links[(links["basis"] == "explicit") & links["signal_start"].notna()]
        return set(_signal_spans(links, dataset))

    return _cached(dataset, "explicit_signals", spans)


def _signals_at_offsets(frame: pd.DataFrame, dataset: Dataset) -> pd.Series:
    """`_signal_issues` is empty, column-wise."""
    texts, ok = dataset.texts, []
    quotes = _values(frame["signal_quote"])
    for (source, start, end), quote in zip(_signal_spans(frame, dataset), quotes, strict=True):
        text = None if source is None else texts.get(source)
        ok.append(text is None or None in (quote, start, end) or span_matches(text, quote, start, end))
    return pd.Series(ok, index=frame.index, dtype=bool)


def _signals_listed(frame: pd.DataFrame, dataset: Dataset) -> pd.Series:
    """`_signal_listed`, column-wise."""
    decided, ok = _decided_signals(dataset), []
    bases = _values(frame["basis"])
    for (source, start, end), basis in zip(_signal_spans(frame, dataset), bases, strict=True):
        ok.append(basis != "explicit" or start is None or source is None or (source, start, end) in decided)
    return pd.Series(ok, index=frame.index, dtype=bool)


def _link_signals_used(frame: pd.DataFrame, dataset: Dataset) -> pd.Series:
    """`_link_signal_used`, column-wise."""
    carried = _explicit_signals(dataset)
    columns = (frame["source_id"], frame["signal_start"], frame["signal_end"], frame["decision"])
    ok = [((s, a, b) in carried) == (d == "link") for s, a, b, d in zip(*(_values(c) for c in columns), strict=True)]
    return pd.Series(ok, index=frame.index, dtype=bool)


def _link_signal_issues(row: dict[str, Any], dataset: Dataset) -> list[tuple[str, str]]:
    text = dataset.texts.get(row["source_id"])
    return [] if text is None else span_problems(text, row["signal_quote"], row["signal_start"], row["signal_end"])


def _cue_issues(row: dict[str, Any], dataset: Dataset) -> list[str]:
    claim = _record(dataset, "claims", "claim_id", row["claim_id"])
    text = None if claim is None else dataset.texts.get(claim["source_id"])
    if text is None:
        return []
    issues = []
    if row["cue"] not in HEDGE_CUES:
        issues.append(f"'{row['cue']}' is not a cue of the cue table (hedging.py)")
    if not 0 <= row["char_start"] < row["char_end"] <= len(text):
        issues.append(f"offsets {row['char_start']}..{row['char_end']} are empty, reversed or outside the text")
    elif normalized_cue(text[row["char_start"] : row["char_end"]]) != row["cue"]:
        found = text[row["char_start"] : row["char_end"]]
        issues.append(f"the text at {row['char_start']}..{row['char_end']} is {found!r}, not the cue")
    inside = claim["char_start"] <= row["char_start"] and row["char_end"] <= claim["char_end"]
    if row["scope"] == "governing" and inside:
        issues.append("a governing cue stands inside the claim's quote, where the build finds it already")
    if (row["scope"] == "governing") != (row["reason"] is not None):
        issues.append("a governing cue needs the reason its scope covers the claim (and a cue in the quote none)")
    return issues


def _cues_anchored(frame: pd.DataFrame, dataset: Dataset) -> pd.Series:
    """`_cue_issues` is empty, column-wise: there is a cue row for most hedged claims."""
    source = frame["claim_id"].map(_attribute(dataset, "claims", "claim_id", "source_id"))
    quote_start = frame["claim_id"].map(_attribute(dataset, "claims", "claim_id", "char_start"))
    quote_end = frame["claim_id"].map(_attribute(dataset, "claims", "claim_id", "char_end"))
    columns = (frame["cue"], frame["char_start"], frame["char_end"], frame["scope"], frame["reason"])
    texts, ok = dataset.texts, []
    rows = zip(source.tolist(), quote_start.tolist(), quote_end.tolist(), *(_values(c) for c in columns), strict=True)
    for source_id, q_start, q_end, cue, start, end, scope, reason in rows:
        text = None if pd.isna(source_id) else texts.get(source_id)
        if text is None:
            ok.append(True)
            continue
        governing = scope == "governing"
        ok.append(
            cue in HEDGE_CUES
            and 0 <= start < end <= len(text)
            and normalized_cue(text[start:end]) == cue
            and not (governing and q_start <= start and end <= q_end)
            and governing == (reason is not None)
        )
    return pd.Series(ok, index=frame.index, dtype=bool)


def _actors_in_period(frame: pd.DataFrame, dataset: Dataset) -> pd.Series:
    """`_period_issue` is None, column-wise (one row per claim actor)."""
    claim_year = {
        name: frame["claim_id"].map(_attribute(dataset, "claims", "claim_id", name)).astype("Int64")
        for name in ("period_start", "period_end")
    }
    start = claim_year["period_start"].fillna(claim_year["period_end"])
    active_from = frame["actor_id"].map(_attribute(dataset, "actors", "actor_id", "active_from")).astype("Int64")
    active_until = frame["actor_id"].map(_attribute(dataset, "actors", "actor_id", "active_until")).astype("Int64")
    bad = (start < active_from).fillna(False) | (start > active_until).fillna(False)
    return ~bad.astype(bool)


def _actor_years(dataset: Dataset) -> dict[str, tuple[Any, Any]]:
    def years() -> dict[str, tuple[Any, Any]]:
        rows = _records(_frame(dataset, TABLES_BY_NAME["actors"]))
        return {r["actor_id"]: (r["active_from"], r["active_until"]) for r in rows}

    return _cached(dataset, "actor_years", years)


def _period_issue(row: dict[str, Any], dataset: Dataset) -> str | None:
    """Why an actor cannot take part in its claim: it did not exist in the first year of the
    claim's period (period_start, else period_end); None when it can. A period that begins
    after several events begins with the last of them, so its actors exist then."""
    claim = _record(dataset, "claims", "claim_id", row["claim_id"])
    if claim is None or (claim["period_start"] is None and claim["period_end"] is None):
        return None
    start = claim["period_start"] if claim["period_start"] is not None else claim["period_end"]
    active_from, active_until = _actor_years(dataset).get(row["actor_id"], (None, None))
    if active_from is not None and start < active_from:
        return f"{row['actor_id']} exists from {active_from}, but the claim's period begins in {start}"
    if active_until is not None and start > active_until:
        return f"{row['actor_id']} existed until {active_until}, but the claim's period begins in {start}"
    return None


def _added_after_blind_coding(dataset: Dataset) -> set[str]:
    """Claims a critical reading added after the blind second coding (decision field 'claim')."""
    decisions = _decisions(dataset)
    return {
        claim
        for (claim, field, _), row in decisions.items()
        if field == "claim" and row["raised_by"] == "critical_reading"
    }


def _second_segment_issues(row: dict[str, Any], dataset: Dataset) -> list[tuple[str, str]]:
    text = dataset.texts.get(row["source_id"])
    return [] if text is None else span_problems(text, row["quote"], row["char_start"], row["char_end"])


def _second_link_signal_ok(row: dict[str, Any], dataset: Dataset) -> bool:
    parts = (row["signal_quote"], row["signal_start"], row["signal_end"])
    if all(part is None for part in parts):
        return True
    text = _link_text(row, dataset)
    return text is None or (None not in parts and span_matches(text, *parts))


ARGUMENT_RULES: tuple[Rule, ...] = (
    Rule(
        "signal_only_when_explicit",
        "claim_links",
        "signal_quote",
        _signal_presence_ok,
        lambda row, ds: (
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
        _signals_at_offsets,
        lambda row, ds: "signal: " + "; ".join(message for _, message in _signal_issues(row, ds)),
        "copy the signal from the source text and recompute its offsets with `alliance-data anchor`",
    ),
    Rule(
        "signal_decided",
        "claim_links",
        "basis",
        _signals_listed,
        lambda row, ds: (
            f"the signal {row['signal_quote']!r} at {row['signal_start']} is not listed as a link in link_signals"
        ),
        "list the signal in data/link_signals.yaml with decision 'link' and what it joins",
    ),
    Rule(
        "link_signal_at_offsets",
        "link_signals",
        "signal_quote",
        _rowwise(lambda row, ds: not _link_signal_issues(row, ds)),
        lambda row, ds: "; ".join(message for _, message in _link_signal_issues(row, ds)),
        "copy the signal from the source text and recompute its offsets with `alliance-data anchor`",
    ),
    Rule(
        "link_signal_carries_link",
        "link_signals",
        "decision",
        _link_signals_used,
        lambda row, ds: (
            "decided as a link, but no explicit link in claim_links carries this signal"
            if row["decision"] == "link"
            else "decided as no link, but an explicit link in claim_links carries this signal"
        ),
        "give the explicit link this signal (or decide the signal as no_link with the reason), so both agree",
    ),
    Rule(
        "certainty_cue_anchored",
        "certainty_cues",
        "cue",
        _cues_anchored,
        lambda row, ds: "; ".join(_cue_issues(row, ds)),
        "anchor a governing cue at the cue's own words (a cue of hedging.py) outside the quote, with its reason",
    ),
    Rule(
        "actor_exists_in_period",
        "claim_actors",
        "actor_id",
        _actors_in_period,
        lambda row, ds: f"{_period_issue(row, ds)}",
        "use the actor that existed then (SOVIET_UNION until 1991, RUS from 1991), or start the period with the "
        "last of the events it follows (docs/curation.md)",
    ),
    Rule(
        "second_segment_at_offsets",
        "second_segmentation",
        "quote",
        _rowwise(lambda row, ds: not _second_segment_issues(row, ds)),
        lambda row, ds: "; ".join(message for _, message in _second_segment_issues(row, ds)),
        "copy the span from the source text and recompute its offsets with `alliance-data anchor`",
    ),
    Rule(
        "second_link_signal_at_offsets",
        "second_links",
        "signal_quote",
        _rowwise(_second_link_signal_ok),
        lambda row, ds: "the signal is incomplete or is not the source text at its offsets",
        "give all three signal fields, copied from the source text, or none",
    ),
)


def _contradiction_message(row: dict[str, Any], dataset: Dataset) -> str:
    causal = _causal_links(dataset)
    pair = {row["from_claim"], row["to_claim"]}
    also = [
        f"{link['from_claim']} {link['relation']} {link['to_claim']}"
        for link in _records(causal)
        if {link["from_claim"], link["to_claim"]} == pair
    ]
    return (
        f"{row['from_claim']} contradicts {row['to_claim']}, yet the two are also linked causally ({'; '.join(also)})"
    )


# ---------------------------------------------------------------------------------------
# Retired ids: each names a table whose records have ids of their own, and no record of that
# table uses it.


def id_tables() -> list[Table]:
    """The tables whose records carry an id of their own: one key column, not a reference."""
    return [
        table
        for table in TABLES
        if table.authored
        and len(table.primary_key) == 1
        and table.primary_key[0] not in {key.column for key in table.foreign_keys}
    ]


def _retired_from(dataset: Dataset, table: str) -> dict[str, str]:
    def retired() -> dict[str, str]:
        rows = _records(_frame(dataset, TABLES_BY_NAME["retired_ids"]))
        return {row["id"]: row["reason"] for row in rows if row["table"] == table}

    return _cached(dataset, f"retired:{table}", retired)


def _not_retired_rule(table: Table) -> Rule:
    key = table.primary_key[0]
    fix = (
        "use the next unused number in the section"
        if table.name == "claims"
        else f"give the record a new {key}: a retired id is never used again"
    )
    return Rule(
        "id_not_retired",
        table.name,
        key,
        lambda frame, ds: ~_isin(frame[key], set(_retired_from(ds, table.name))),
        lambda row, ds: (
            f"{key} {row[key]} was retired from {table.name} ({_retired_from(ds, table.name)[row[key]]}) "
            "and is never reused"
        ),
        fix,
    )


# ---------------------------------------------------------------------------------------
# A claim lives in the file of its section: claims/<section_id>.yaml.

_CLAIMS_DIR = Path(TABLES_BY_NAME["claims"].authored or "").parent.name


def _file_section(file: str) -> str | None:
    """The section whose file a claim was read from; None when it was not read from one."""
    path = Path(file)
    return path.stem if path.parent.name == _CLAIMS_DIR and path.suffix == ".yaml" else None


def _in_section_files(frame: pd.DataFrame, dataset: Dataset) -> pd.Series:
    origins = dataset.origins.get("claims") or []
    if len(origins) != len(frame):  # a column-wise corpus: no files
        return pd.Series(True, index=frame.index)
    files = pd.Series([origin.file for origin in origins], index=frame.index)
    section_of_file = files.map({file: _file_section(file) for file in files.unique()})
    return (section_of_file.isna() | (section_of_file == frame["section_id"].astype(object))).astype(bool)


def _section_file_message(row: dict[str, Any], dataset: Dataset) -> str:
    return (
        f"a claim of section {row['section_id']} stands in another section's file "
        f"(each file {_CLAIMS_DIR}/<section_id>.yaml holds the claims of its section only)"
    )


# ---------------------------------------------------------------------------------------
# Actors: one Wikidata item is one actor.


def _wikidata_unique(frame: pd.DataFrame, dataset: Dataset) -> pd.Series:
    qid = frame["wikidata_qid"]
    return (qid.isna() | ~qid.duplicated(keep=False)).astype(bool)


def _wikidata_message(row: dict[str, Any], dataset: Dataset) -> str:
    actors = _frame(dataset, TABLES_BY_NAME["actors"])
    others = actors.loc[(actors["wikidata_qid"] == row["wikidata_qid"]) & (actors["actor_id"] != row["actor_id"])]
    return f"Wikidata item {row['wikidata_qid']} is also given to actor {', '.join(_values(others['actor_id']))}"


RULES: tuple[Rule, ...] = (
    Rule(
        "quote_at_offsets",
        "claims",
        "quote",
        _anchors_verify,
        lambda row, ds: "; ".join(message for _, message in _anchor_issues(row, ds)),
        "copy the quote from the source text and recompute its anchor with `alliance-data anchor`",
    ),
    Rule(
        "span_inside_section",
        "claims",
        "char_start",
        _inside_sections,
        lambda row, ds: (
            f"span {row['char_start']}..{row['char_end']} is not inside the body of section {row['section_id']} "
            f"({(_section_of(row, ds) or {}).get('body_start')}..{(_section_of(row, ds) or {}).get('char_end')})"
        ),
        "give the section that holds the quote, or shorten the quote so it stays in one section",
    ),
    Rule(
        "section_source_matches",
        "claims",
        "section_id",
        _sources_match,
        lambda row, ds: (
            f"section {row['section_id']} belongs to source "
            f"{(_section_of(row, ds) or {}).get('source_id')}, not {row['source_id']}"
        ),
        "make source_id the source of the section",
    ),
    Rule(
        "claim_id_in_section",
        "claims",
        "claim_id",
        _ids_in_sections,
        lambda row, ds: f"claim id {row['claim_id']} does not start with its section id {row['section_id']}-",
        "number the claim within its section: <section_id>-NNN, using the next unused number",
    ),
    Rule(
        "topic_kind_matches",
        "claims",
        "topic_id",
        _topic_kinds_match,
        lambda row, ds: (
            f"topic {row['topic_id']} is of kind "
            f"'{_record(ds, 'topics', 'topic_id', row['topic_id'])['kind']}', the claim of kind '{row['kind']}'"
        ),
        "choose a topic of the claim's kind (see data/topics.yaml), or correct the kind",
    ),
    Rule(
        "certainty_follows_hedge_cues",
        "claims",
        "certainty",
        _certainties_follow_cues,
        _certainty_message,
        "set certainty to what the cue table gives, or keep it and explain in hedge_note why the cue is not a "
        "hedge there (a hedge_note is only for such departures)",
    ),
    Rule(
        "statement_in_own_words",
        "claims",
        "statement",
        _statements_differ,
        lambda row, ds: "statement repeats the quote",
        "restate the claim in our own words as a self-contained sentence",
    ),
    Rule(
        "attribution_consistent",
        "claims",
        "attribution",
        lambda frame, ds: (frame["attribution"] == "attributed") == _isin(frame["claim_id"], _claims_with_holders(ds)),
        lambda row, ds: (
            f"attribution is '{row['attribution']}' but the claim "
            f"{'has' if row['claim_id'] in set(_claims_with_holders(ds)) else 'has no'} actor with role 'holder'"
        ),
        "give the actors who hold an attributed view the role 'holder', and only in claims with attribution "
        "'attributed'",
    ),
    Rule(
        "period_only_for_history",
        "claims",
        "period_start",
        _periods_only_for_history,
        lambda row, ds: f"a {row['time_frame']} claim has a period",
        "give period_start, period_end and period_label only for historical claims",
    ),
    Rule(
        "period_in_order",
        "claims",
        "period_end",
        _periods_in_order,
        lambda row, ds: f"period_start {row['period_start']} is after period_end {row['period_end']}",
        "swap or correct the years",
    ),
    Rule(
        "section_span_valid",
        "sections",
        "char_start",
        _rowwise(_section_span_ok),
        lambda row, ds: (
            f"section span {row['char_start']}..{row['body_start']}..{row['char_end']} "
            "is out of order, outside the text, or does not start with the heading"
        ),
        "set char_start at the heading, body_start at the first body character, char_end after the last",
    ),
    Rule(
        "section_id_scheme",
        "sections",
        "section_id",
        _rowwise(lambda row, ds: row["section_id"] == f"{row['source_id']}-s{row['ordinal']}"),
        lambda row, ds: f"section id should be {row['source_id']}-s{row['ordinal']}",
        "name sections <source_id>-s<ordinal>",
    ),
    Rule(
        "state_has_iso3",
        "actors",
        "iso3",
        _rowwise(
            lambda row, ds: (
                (row["actor_type"] == "state") == (row["iso3"] is not None)
                and (row["iso3"] is None or row["iso3"] == row["actor_id"])
            )
        ),
        lambda row, ds: "a state takes its ISO 3166-1 alpha-3 code as iso3 and actor_id; other actors have none",
        "set iso3 (and actor_id) to the state's alpha-3 code, or null for non-states",
    ),
    Rule(
        "claim_second_coded",
        "claims",
        "claim_id",
        lambda frame, ds: (
            _isin(frame["claim_id"], _frame(ds, TABLES_BY_NAME["second_coding"])["claim_id"])
            | _isin(frame["claim_id"], _added_after_blind_coding(ds))
        ),
        lambda row, ds: "the claim has no independent second coding",
        "have a second coder code kind, topic_id and certainty blind (see docs/curation.md) and add the entry "
        "to data/second_coding.yaml",
    ),
    Rule(
        "disagreements_resolved",
        "second_coding",
        "claim_id",
        _disagreements_decided,
        lambda row, ds: "coders disagree on " + "; ".join(_undecided_disagreements(row, ds)) + " with no decision",
        "add the resolution with its reason to data/coding_decisions.yaml",
    ),
    Rule(
        "decision_consistent",
        "coding_decisions",
        "resolved",
        _rowwise(lambda row, ds: not _decision_issues(row, ds)),
        lambda row, ds: "; ".join(_decision_issues(row, ds)),
        "make the decision match the claim (resolved) and data/second_coding.yaml (second_coder)",
    ),
    Rule(
        "link_not_to_itself",
        "claim_links",
        "to_claim",
        lambda frame, ds: frame["from_claim"] != frame["to_claim"],
        lambda row, ds: "a claim links to itself",
        "link two different claims",
    ),
    *(_not_retired_rule(table) for table in id_tables()),
    Rule(
        "retired_id_table_known",
        "retired_ids",
        "table",
        lambda frame, ds: _isin(frame["table"], [table.name for table in id_tables()]),
        lambda row, ds: f"'{row['table']}' is not a table whose records have ids of their own",
        "name the table the id belonged to: " + ", ".join(table.name for table in id_tables()),
    ),
    Rule(
        "sections_do_not_overlap",
        "sections",
        "char_start",
        _section_checks(_overlaps),
        lambda row, ds: _overlaps(ds)[row["section_id"]],
        "give each section its own span, in reading order: char_start at or after the previous section's char_end",
    ),
    Rule(
        "sections_cover_text",
        "sections",
        "char_start",
        _section_checks(_uncovered),
        lambda row, ds: _uncovered(ds)[row["section_id"]],
        "extend the neighbouring section over that text (only blank lines between sections, and the title block "
        "before the first, stand outside every section)",
    ),
    Rule(
        "no_causal_cycle",
        "claim_links",
        "relation",
        _no_causal_cycle,
        _cycle_message,
        "remove or re-type the link that the text does not support as a cause (drives, enables and implies "
        "never run in a circle)",
    ),
    Rule(
        "not_causal_and_contradicting",
        "claim_links",
        "relation",
        _not_causal_and_contradicting,
        _contradiction_message,
        "keep the one relation the text supports: a claim does not both cause and contradict another",
    ),
    Rule(
        "wikidata_qid_unique",
        "actors",
        "wikidata_qid",
        _wikidata_unique,
        _wikidata_message,
        "give each actor its own Wikidata item (check both on wikidata.org), or merge the two actors",
    ),
    Rule(
        "claim_in_its_section_file",
        "claims",
        "section_id",
        _in_section_files,
        _section_file_message,
        "move the claim to claims/<section_id>.yaml of its section, or correct its section_id",
    ),
    *ARGUMENT_RULES,
)

# A rule may apply to several tables (id_not_retired): looked up by table and check.
_RULES_BY_CHECK = {(rule.table, f"rule:{rule.name}"): rule for rule in RULES}


PLAIN_TEXT_FIX = (
    "write it as visible text without control, bidirectional or zero-width characters "
    "(retype it, or paste it as plain text)"
)


def _column_fix(check: str, column: Column | None, table: Table) -> str:
    if check.startswith("fk:"):
        return f"use an existing {check[3:]} (or add it to its table first)"
    if check == "multiple_fields_uniqueness":
        return f"make ({', '.join(table.primary_key)}) unique: ids are never shared or reused"
    if column is None:
        return "see the codebook"
    if check == "enum":
        return f"use one of: {', '.join(column.levels)}"
    if check == "pattern":
        return f"write a value matching {column.pattern}"
    if check == "max_length":
        return f"shorten it to at most {column.max_length} characters"
    if check == "plain_text":
        return PLAIN_TEXT_FIX
    return f"see the codebook: {column.description}"


def check_tables(dataset: Dataset, problems: ProblemList) -> None:
    """Run every table's schema and rules; add a Problem for each failure."""
    dataset.__dict__.pop("_rule_cache", None)  # lookups of an earlier run may be stale
    for table in CHECKED_TABLES:
        frame = _frame(dataset, table)
        try:
            table_schema(table, dataset).validate(frame, lazy=True)
        except pa.errors.SchemaErrors as errors:
            _report(errors.failure_cases, table, frame, dataset, problems)


def _report(failures: pd.DataFrame, table: Table, frame: pd.DataFrame, dataset: Dataset, problems: ProblemList) -> None:
    by_name = {column.name: column for column in table.columns}
    seen = set()
    for failure in failures.to_dict("records"):
        index, check = failure["index"], str(failure["check"])
        rule = _RULES_BY_CHECK.get((table.name, check))
        if rule is not None and (index, check) in seen:
            continue  # a wide check reports each failing row once per column
        seen.add((index, check))
        origin = dataset.origin(table.name, int(index)) if index is not None and pd.notna(index) else None
        field = rule.field if rule else (failure["column"] if failure["column"] in by_name else None)
        if rule and (index is None or pd.isna(index)):
            # The rule itself could not run (its inputs are broken in a way reported elsewhere).
            message, fix = f"rule {rule.name} could not be checked: {failure['failure_case']}", rule.fix
        elif rule:
            row = _records(frame.loc[[int(index)]])[0]
            message, fix = rule.explain(row, dataset), rule.fix
        elif check == "multiple_fields_uniqueness":
            key = ", ".join(f"{k}={frame.loc[int(index), k]}" for k in table.primary_key)
            message, fix = f"duplicate key in {table.name}: {key}", _column_fix(check, None, table)
        elif check.startswith("fk:"):
            message = f"{failure['failure_case']!r} is not a known {check[3:]}"
            fix = _column_fix(check, by_name.get(field), table)
        else:
            message = f"{check} check failed for value {failure['failure_case']!r}"
            fix = _column_fix(check, by_name.get(field), table)
        problems.add(
            origin.file if origin else table.name,
            message,
            fix,
            line=origin.line_of(field) if origin else None,
            record_id=origin.record_id if origin else None,
            field=field,
        )


__all__ = ["RULES", "TABLES_BY_NAME", "check_tables", "table_schema"]
