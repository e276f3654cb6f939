"""Table-level validation with pandera: keys, foreign keys, spans, hedging and cross-table rules.

Each table gets a pandera schema derived from its columns (types, nullability,
enumerations, patterns, ranges, primary key) plus the rules below, which need other
tables or the source texts. All rules run lazily so every failure is reported at once;
each failure is turned into a Problem that names the file, line, record and field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc

from .anchoring import anchor_problems, span_matches, span_problems
from .columns import Column
from .hedging import HEDGE_CUES, certainty_of_cues, normalized_cue
from .identifiers import CONTEXT_CHARS
from .problems import ProblemList
from .reading import Dataset
from .registry import TABLES, TABLES_BY_NAME, Table
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


def _column_checks(column: Column) -> list[pa.Check]:
    checks = []
    if column.enum:
        checks.append(pa.Check.isin(column.levels, name="enum", error="enum"))
    if column.pattern:
        checks.append(pa.Check.str_matches(column.pattern, name="pattern", error="pattern"))
    if column.min_length:
        checks.append(pa.Check.str_length(min_value=column.min_length, name="min_length", error="min_length"))
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
    return " ".join(value.casefold().split()).strip(" .!?")


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


# The whitespace Python's str.split() breaks on, among ASCII characters.
_ASCII_WHITESPACE_RUN = r"[ \t\n\r\x0b\x0c\x1c-\x1f]+"


def _normalized_ascii(values: pyarrow.Array | pyarrow.ChunkedArray) -> pyarrow.Array:
    """`_normalized` of ASCII text, in Arrow: for ASCII, casefold is lower-casing, and once
    whitespace runs are single spaces, stripping " .!?" trims them too."""
    # utf8_lower, not ascii_lower: pyarrow 26's ascii_lower writes invalid offsets for arrays
    # whose first offset is not 0, which pandas hands over (tests/test_columnwise_rules.py).
    lowered = pc.utf8_lower(values)
    lowered = lowered.combine_chunks() if isinstance(lowered, pyarrow.ChunkedArray) else lowered
    # Collapsing runs is a regex replace, slow over a million values: only where there is a
    # run to collapse (two spaces, or whitespace other than a space).
    has_run = pc.fill_null(pc.match_substring_regex(lowered, r"[\t\n\r\x0b\x0c\x1c-\x1f]|  "), False)
    if pc.any(has_run).as_py():
        collapsed = pc.replace_substring_regex(pc.filter(lowered, has_run), _ASCII_WHITESPACE_RUN, " ")
        lowered = pc.replace_with_mask(lowered, has_run, collapsed)
    return pc.ascii_trim(lowered, " .!?")


def _statements_differ(frame: pd.DataFrame, dataset: Dataset) -> pd.Series:
    statements, quotes = pyarrow.array(frame["statement"]), pyarrow.array(frame["quote"])
    same = pc.fill_null(pc.equal(_normalized_ascii(statements), _normalized_ascii(quotes)), False)
    differ = pc.invert(same).to_numpy(zero_copy_only=False).copy()
    # Text that is not all ASCII by the definition itself (Unicode case folding and spaces).
    other = pc.invert(pc.fill_null(pc.and_(pc.string_is_ascii(statements), pc.string_is_ascii(quotes)), True))
    positions = pc.indices_nonzero(other)
    pairs = zip(pc.take(statements, positions).to_pylist(), pc.take(quotes, positions).to_pylist(), strict=True)
    differ[positions.to_numpy()] = [_normalized(statement) != _normalized(quote) for statement, quote in pairs]
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
        "id_not_retired",
        "claims",
        "claim_id",
        lambda frame, ds: ~_isin(frame["claim_id"], set(ds.retired_ids)),
        lambda row, ds: (
            f"claim id {row['claim_id']} was retired ({ds.retired_ids[row['claim_id']]}) and is never reused"
        ),
        "use the next unused number in the section",
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
    *ARGUMENT_RULES,
)

_RULES_BY_CHECK = {f"rule:{rule.name}": rule for rule in RULES}


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
    return f"see the codebook: {column.description}"


def check_tables(dataset: Dataset, problems: ProblemList) -> None:
    """Run every table's schema and rules; add a Problem for each failure."""
    dataset.__dict__.pop("_rule_cache", None)  # lookups of an earlier run may be stale
    for table in TABLES:
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
        rule = _RULES_BY_CHECK.get(check)
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
