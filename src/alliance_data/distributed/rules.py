"""Every foreign key and every cross-table rule of `alliance_data.rules`, as Spark operations.

Each rule is a function of the corpus that returns the failing rows of its table: foreign
keys are anti-joins, lookups in other tables are left joins (a row whose parent is unknown
passes, as on one machine: the foreign key reports it once), anchors are `substring`s of the
source text. `SPARK_RULES` has one entry per rule in `alliance_data.rules.RULES`, by name;
`spark_rules()` refuses to run when one is missing, so a new rule cannot be skipped here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..hedging import HEDGE_CUES
from ..identifiers import CONTEXT_CHARS
from ..registry import CHECKED_TABLES, TABLES_BY_NAME, ForeignKey, Table
from ..reliability import CODED_FIELDS
from ..rules import (
    CAUSAL_RELATIONS,
    RULES,
    TITLE_BLOCK_LINES,
    Rule,
    causal_cycle_edges,
    id_tables,
)
from ..vocabulary import Certainty
from .corpus import Corpus


def _f() -> Any:
    from pyspark.sql import functions as F

    return F


def _false_if_null(condition: Any) -> Any:
    return _f().coalesce(condition, _f().lit(False))


def _fails(frame: Any, ok: Any) -> Any:
    """Rows where `ok` is not true (a null result is a failure, as a crash would be on one machine)."""
    return frame.filter(~_false_if_null(ok))


def _prefixed(frame: Any, key: str, columns: list[str], prefix: str) -> Any:
    F = _f()
    return frame.select(F.col(key), *[F.col(name).alias(prefix + name) for name in columns])


def _lookup(rows: Any, parent: Any, on: str, parent_key: str, columns: list[str], prefix: str) -> Any:
    """`rows` with columns of their parent row (null when the parent is unknown), and `<prefix>known`."""
    F = _f()
    other = _prefixed(parent, parent_key, columns, prefix).withColumn(prefix + "known", F.lit(True))
    joined = rows.join(other, rows[on] == other[parent_key], "left").drop(other[parent_key])
    return joined.withColumn(prefix + "known", F.coalesce(F.col(prefix + "known"), F.lit(False)))


def _with_text(rows: Any, corpus: Corpus) -> Any:
    texts = corpus.texts.withColumnRenamed("source_id", "_text_source")
    return rows.join(texts, rows["source_id"] == texts["_text_source"], "left").drop("_text_source")


# ---------------------------------------------------------------------------------------
# Claims


def quote_at_offsets(corpus: Corpus) -> Any:
    F = _f()
    claims = _with_text(corpus["claims"], corpus)
    text, start, end = F.col("text"), F.col("char_start"), F.col("char_end")
    before = F.greatest(F.lit(0), start - CONTEXT_CHARS)
    ok = (
        (start >= 0)
        & (start < end)
        & (end <= F.length(text))
        & (text.substr(start + 1, end - start) == F.col("quote"))
        & (text.substr(before + 1, start - before) == F.col("prefix"))
        & (text.substr(end + 1, F.lit(CONTEXT_CHARS)) == F.col("suffix"))
    )
    return _fails(claims.filter(text.isNotNull()), ok)  # an unknown source is the foreign key's problem


def _with_section(corpus: Corpus) -> Any:
    sections = corpus["sections"]
    return _lookup(
        corpus["claims"], sections, "section_id", "section_id", ["source_id", "body_start", "char_end"], "_s_"
    )


def span_inside_section(corpus: Corpus) -> Any:
    F = _f()
    claims = _with_section(corpus)
    start, end = F.col("char_start"), F.col("char_end")
    inside = (F.col("_s_body_start") <= start) & (start < end) & (end <= F.col("_s_char_end"))
    return _fails(claims.filter("_s_known"), inside)


def section_source_matches(corpus: Corpus) -> Any:
    F = _f()
    claims = _with_section(corpus)
    return _fails(claims.filter("_s_known"), F.col("_s_source_id") == F.col("source_id"))


def claim_id_in_section(corpus: Corpus) -> Any:
    F = _f()
    claims = corpus["claims"]
    return _fails(claims, F.col("claim_id").startswith(F.concat(F.col("section_id"), F.lit("-"))))


def topic_kind_matches(corpus: Corpus) -> Any:
    F = _f()
    claims = _lookup(corpus["claims"], corpus["topics"], "topic_id", "topic_id", ["kind"], "_t_")
    return _fails(claims.filter("_t_known"), F.col("_t_kind") == F.col("kind"))


def certainty_follows_hedge_cues(corpus: Corpus) -> Any:
    """The weakest level among each claim's cues in certainty_cues, by the one cue table
    (`hedging.HEDGE_CUES`, mapped on the driver); a cue that is not in the table implies
    nothing, so the rule fails unless a hedge_note is given (as on one machine)."""
    F = _f()
    levels = list(Certainty)
    ranks = F.create_map(*[F.lit(part) for cue, level in HEDGE_CUES.items() for part in (cue, levels.index(level))])
    cues = corpus["certainty_cues"].withColumn("_rank", ranks[F.col("cue")])
    per_claim = cues.groupBy("claim_id").agg(
        F.max("_rank").alias("_rank"), F.sum(F.when(F.col("_rank").isNull(), 1).otherwise(0)).alias("_unknown")
    )
    claims = corpus["claims"].join(per_claim, "claim_id", "left")
    names = F.array(*[F.lit(level.value) for level in levels])
    rank = F.coalesce(F.col("_rank"), F.lit(0))
    expected = F.when(F.coalesce(F.col("_unknown"), F.lit(0)) == 0, F.element_at(names, (rank + 1).cast("int")))
    return _fails(claims, _false_if_null(F.col("certainty") == expected) != F.col("hedge_note").isNotNull())


def _normalized(column: Any) -> Any:
    """`alliance_data.rules._normalized` in Spark: lower case, every run of punctuation, symbols
    and whitespace (Python's, so with U+001C..U+001F) one space, no space at either end.
    (Spark's lower() is Java's toLowerCase; Python's casefold() also folds a few letters such
    as ß, which no statement in the corpus tells apart.)"""
    F = _f()
    spaced = F.regexp_replace(F.lower(column), r"(?U)[\p{P}\p{S}\s\x1c-\x1f]+", " ")
    return F.regexp_replace(spaced, r"^ +| +$", "")


def statement_in_own_words(corpus: Corpus) -> Any:
    F = _f()
    claims = corpus["claims"]
    return _fails(claims, _normalized(F.col("statement")) != _normalized(F.col("quote")))


def attribution_consistent(corpus: Corpus) -> Any:
    F = _f()
    holders = corpus["claim_actors"].filter(F.col("role") == "holder").select("claim_id").distinct()
    claims = _lookup(corpus["claims"], holders, "claim_id", "claim_id", [], "_h_")
    return _fails(claims, (F.col("attribution") == "attributed") == F.col("_h_known"))


def period_only_for_history(corpus: Corpus) -> Any:
    F = _f()
    no_period = F.col("period_start").isNull() & F.col("period_end").isNull() & F.col("period_label").isNull()
    return _fails(corpus["claims"], _false_if_null(F.col("time_frame") == "historical") | no_period)


def period_in_order(corpus: Corpus) -> Any:
    F = _f()
    return corpus["claims"].filter(_false_if_null(F.col("period_start") > F.col("period_end")))


def id_not_retired(corpus: Corpus, table: str) -> Any:
    """Records of `table` whose id was retired from it (one rule, applied to each table with ids)."""
    F = _f()
    key = TABLES_BY_NAME[table].primary_key[0]
    retired = corpus["retired_ids"].filter(F.col("table") == table).select(F.col("id").alias(key))
    return corpus[table].join(retired, key, "left_semi")


def claim_second_coded(corpus: Corpus) -> Any:
    F = _f()
    decisions = corpus["coding_decisions"]
    added = decisions.filter((F.col("field") == "claim") & (F.col("raised_by") == "critical_reading"))
    claims = corpus["claims"].join(corpus["second_coding"].select("claim_id"), "claim_id", "left_anti")
    return claims.join(added.select("claim_id").distinct(), "claim_id", "left_anti")


def claim_in_its_section_file(corpus: Corpus) -> Any:
    """A corpus holds no files, so no claim stands in the wrong one."""
    return corpus["claims"].limit(0)


# ---------------------------------------------------------------------------------------
# Other tables


def section_span_valid(corpus: Corpus) -> Any:
    F = _f()
    sections = _with_text(corpus["sections"], corpus)
    text, heading, start = F.col("text"), F.col("heading"), F.col("char_start")
    heading_ok = heading.isNull() | (text.substr(start + 1, F.length(heading)) == heading)
    bounds = (start >= 0) & (start <= F.col("body_start")) & (F.col("body_start") < F.col("char_end"))
    bounds &= F.col("char_end") <= F.length(text)
    return _fails(sections.filter(text.isNotNull()), heading_ok & bounds)


def section_id_scheme(corpus: Corpus) -> Any:
    F = _f()
    expected = F.concat(F.col("source_id"), F.lit("-s"), F.col("ordinal").cast("string"))
    return _fails(corpus["sections"], F.col("section_id") == expected)


def state_has_iso3(corpus: Corpus) -> Any:
    F = _f()
    iso3 = F.col("iso3")
    ok = ((F.col("actor_type") == "state") == iso3.isNotNull()) & (iso3.isNull() | (iso3 == F.col("actor_id")))
    return _fails(corpus["actors"], ok)


def _decided_fields(corpus: Corpus) -> Any:
    F = _f()
    return corpus["coding_decisions"].groupBy("claim_id").agg(F.collect_set("field").alias("_decided"))


def disagreements_resolved(corpus: Corpus) -> Any:
    F = _f()
    fields = list(CODED_FIELDS)
    second = _lookup(corpus["second_coding"], corpus["claims"], "claim_id", "claim_id", fields, "_c_")
    second = second.join(_decided_fields(corpus), "claim_id", "left")
    ok = F.lit(True)
    for field in fields:
        first = F.col("_c_" + field)
        decided = _false_if_null(F.array_contains(F.col("_decided"), field))
        ok &= _false_if_null(first == F.col(field)) | first.isNull() | decided
    return _fails(second, ok)


def _value_of_field(prefix: str) -> Any:
    """The claim's (or second coding's) value of the field a decision is about."""
    F = _f()
    value = None
    for field in CODED_FIELDS:
        value = (F.when if value is None else value.when)(F.col("field") == field, F.col(prefix + field))
    return value


def decision_consistent(corpus: Corpus) -> Any:
    F = _f()
    fields = list(CODED_FIELDS)
    decisions = _lookup(corpus["coding_decisions"], corpus["claims"], "claim_id", "claim_id", fields, "_c_")
    decisions = _lookup(decisions, corpus["second_coding"], "claim_id", "claim_id", fields, "_2_")
    coded = F.col("field").isin(*fields)
    blind = F.col("raised_by") == "second_coder"
    resolved_ok = ~coded | ~F.col("_c_known") | _false_if_null(F.col("resolved") == _value_of_field("_c_"))
    second_ok = ~(coded & blind) | ~F.col("_2_known") | _false_if_null(F.col("second_coder") == _value_of_field("_2_"))
    blind_ok = coded | ~blind
    other_ok = (F.col("field") == "link") == F.col("other_claim").isNotNull()
    nothing_to_decide = (F.col("first_coder") == F.col("second_coder")) & (F.col("second_coder") == F.col("resolved"))
    ok = resolved_ok & second_ok & blind_ok & other_ok & ~_false_if_null(nothing_to_decide)
    return _fails(decisions, ok)


def link_not_to_itself(corpus: Corpus) -> Any:
    F = _f()
    return _fails(corpus["claim_links"], F.col("from_claim") != F.col("to_claim"))


def no_causal_cycle(corpus: Corpus) -> Any:
    """Causal links on a cycle, found by `alliance_data.rules.causal_cycle_edges` on the driver
    (the causal links are two ids each; the cycle search is the same code as on one machine)."""
    F = _f()
    links = corpus["claim_links"].filter(F.col("relation").isin(*CAUSAL_RELATIONS))
    edges = [(row[0], row[1]) for row in links.select("from_claim", "to_claim").collect()]
    on_cycle = sorted(causal_cycle_edges(edges))
    spark = links.sparkSession
    cycle = spark.createDataFrame(on_cycle or [("", "")], "from_claim string, to_claim string")
    return links.join(cycle if on_cycle else cycle.limit(0), ["from_claim", "to_claim"], "left_semi")


def _pair(frame: Any) -> Any:
    F = _f()
    low = F.least(F.col("from_claim"), F.col("to_claim"))
    high = F.greatest(F.col("from_claim"), F.col("to_claim"))
    return frame.withColumn("_low", low).withColumn("_high", high)


def not_causal_and_contradicting(corpus: Corpus) -> Any:
    F = _f()
    links = _pair(corpus["claim_links"])
    causal = links.filter(F.col("relation").isin(*CAUSAL_RELATIONS)).select("_low", "_high").distinct()
    contradicting = links.filter(F.col("relation") == "contradicts")
    return contradicting.join(causal, ["_low", "_high"], "left_semi").drop("_low", "_high")


def wikidata_qid_unique(corpus: Corpus) -> Any:
    F = _f()
    actors = corpus["actors"]
    shared = actors.filter(F.col("wikidata_qid").isNotNull()).groupBy("wikidata_qid").count().filter("count > 1")
    return actors.join(shared.select("wikidata_qid"), "wikidata_qid", "left_semi")


def retired_id_table_known(corpus: Corpus) -> Any:
    F = _f()
    known = [table.name for table in id_tables()]
    return _fails(corpus["retired_ids"], F.col("table").isin(*known))


def _sections_with_neighbours(corpus: Corpus) -> Any:
    """Sections with the end of the section before them in reading order (`_prev_end`, null for
    the first), whether they are the last, their source's text and title."""
    from pyspark.sql import Window

    F = _f()
    order = Window.partitionBy("source_id").orderBy("ordinal", "char_start")
    sections = corpus["sections"].withColumn("_prev_end", F.lag("char_end").over(order))
    sections = sections.withColumn("_last", F.lead("section_id").over(order).isNull())
    sections = _with_text(sections, corpus)
    return _lookup(sections, corpus["sources"], "source_id", "source_id", ["title"], "_src_")


def sections_do_not_overlap(corpus: Corpus) -> Any:
    F = _f()
    sections = _sections_with_neighbours(corpus)
    return sections.filter(_false_if_null(F.col("char_start") < F.col("_prev_end")))


_BLANK = r"(?U)^\s*$"  # Java's Unicode whitespace: Python's except U+001C..U+001F, as rules._BLANK_GAP


def sections_cover_text(corpus: Corpus) -> Any:
    F = _f()
    sections = _sections_with_neighbours(corpus)
    overlapping = sections_do_not_overlap(corpus).select("source_id").distinct()
    sections = sections.join(overlapping, "source_id", "left_anti").filter(F.col("text").isNotNull())
    text, start, end = F.col("text"), F.col("char_start"), F.col("char_end")
    front = text.substr(F.lit(1), start)
    title = F.coalesce(F.col("_src_title"), F.lit(""))
    lines_with_text = F.size(F.filter(F.split(front, "\n"), lambda line: ~line.rlike(_BLANK)))
    title_block = (front.substr(F.lit(1), F.length(title)) == title) & front.endswith("\n")
    front_ok = (start == 0) | (title_block & (lines_with_text <= TITLE_BLOCK_LINES))
    gap_ok = text.substr(F.col("_prev_end") + 1, start - F.col("_prev_end")).rlike(_BLANK)
    tail_ok = text.substr(end + 1, F.length(text)).rlike(_BLANK)
    ok = F.when(F.col("_prev_end").isNull(), front_ok).otherwise(gap_ok)
    ok &= ~F.col("_last") | tail_ok
    return _fails(sections, ok)


# ---------------------------------------------------------------------------------------
# The argument layer: link signals, certainty cues, periods and the second coding


def _span_ok(text: Any, start: Any, end: Any, quote: Any) -> Any:
    """`anchoring.span_matches` in Spark: a non-empty span inside the text that is the quote."""
    F = _f()
    return (start >= 0) & (start < end) & (end <= F.length(text)) & (text.substr(start + 1, end - start) == quote)


def _links_with_source(corpus: Corpus, table: str) -> Any:
    """A links table with the source_id of its from_claim (null when the claim is unknown)."""
    F = _f()
    sources = corpus["claims"].select(F.col("claim_id").alias("from_claim"), "source_id").dropDuplicates(["from_claim"])
    return corpus[table].join(sources, "from_claim", "left")


def signal_only_when_explicit(corpus: Corpus) -> Any:
    F = _f()
    parts = [F.col(name).isNotNull() for name in ("signal_quote", "signal_start", "signal_end")]
    explicit = _false_if_null(F.col("basis") == "explicit")
    all_given, none_given = parts[0] & parts[1] & parts[2], ~parts[0] & ~parts[1] & ~parts[2]
    return _fails(corpus["claim_links"], (all_given & explicit) | (none_given & ~explicit))


def signal_at_offsets(corpus: Corpus) -> Any:
    F = _f()
    links = _with_text(_links_with_source(corpus, "claim_links"), corpus)
    given = F.col("signal_quote").isNotNull() & F.col("signal_start").isNotNull() & F.col("signal_end").isNotNull()
    links = links.filter(F.col("text").isNotNull() & given)
    return _fails(links, _span_ok(F.col("text"), F.col("signal_start"), F.col("signal_end"), F.col("signal_quote")))


def signal_decided(corpus: Corpus) -> Any:
    F = _f()
    links = _links_with_source(corpus, "claim_links")
    links = links.filter(
        (F.col("basis") == "explicit") & F.col("signal_start").isNotNull() & F.col("source_id").isNotNull()
    )
    decided = (
        corpus["link_signals"].filter(F.col("decision") == "link").select("source_id", "signal_start", "signal_end")
    )
    return links.join(decided, ["source_id", "signal_start", "signal_end"], "left_anti")


def link_signal_at_offsets(corpus: Corpus) -> Any:
    F = _f()
    signals = _with_text(corpus["link_signals"], corpus).filter(F.col("text").isNotNull())
    return _fails(signals, _span_ok(F.col("text"), F.col("signal_start"), F.col("signal_end"), F.col("signal_quote")))


def link_signal_carries_link(corpus: Corpus) -> Any:
    F = _f()
    links = _links_with_source(corpus, "claim_links")
    carried = links.filter((F.col("basis") == "explicit") & F.col("signal_start").isNotNull())
    carried = carried.select("source_id", "signal_start", "signal_end").distinct().withColumn("_carried", F.lit(True))
    signals = corpus["link_signals"].join(carried, ["source_id", "signal_start", "signal_end"], "left")
    is_carried = F.coalesce(F.col("_carried"), F.lit(False))
    return _fails(signals, is_carried == _false_if_null(F.col("decision") == "link"))


def certainty_cue_anchored(corpus: Corpus) -> Any:
    F = _f()
    claims = corpus["claims"].select(
        "claim_id", "source_id", F.col("char_start").alias("_q_start"), F.col("char_end").alias("_q_end")
    )
    cues = corpus["certainty_cues"].join(claims.dropDuplicates(["claim_id"]), "claim_id", "inner")
    cues = _with_text(cues, corpus).filter(F.col("text").isNotNull())
    start, end, text = F.col("char_start"), F.col("char_end"), F.col("text")
    offsets = (start >= 0) & (start < end) & (end <= F.length(text))
    words = F.trim(F.regexp_replace(F.lower(text.substr(start + 1, end - start)), r"(?U)\s+", " "))
    governing = _false_if_null(F.col("scope") == "governing")
    inside = (F.col("_q_start") <= start) & (end <= F.col("_q_end"))
    ok = F.col("cue").isin(*HEDGE_CUES) & offsets & (words == F.col("cue"))
    ok &= ~(governing & inside) & (governing == F.col("reason").isNotNull())
    return _fails(cues, ok)


def actor_exists_in_period(corpus: Corpus) -> Any:
    F = _f()
    periods = corpus["claims"].select("claim_id", "period_start", "period_end").dropDuplicates(["claim_id"])
    years = corpus["actors"].select("actor_id", "active_from", "active_until").dropDuplicates(["actor_id"])
    rows = corpus["claim_actors"].join(periods, "claim_id", "inner").join(years, "actor_id", "left")
    rows = rows.filter(F.col("period_start").isNotNull() | F.col("period_end").isNotNull())
    start = F.coalesce(F.col("period_start"), F.col("period_end"))
    too_late = _false_if_null(start > F.col("active_until"))
    too_early = _false_if_null(start < F.col("active_from"))
    return rows.filter(too_late | too_early)


def second_segment_at_offsets(corpus: Corpus) -> Any:
    F = _f()
    segments = _with_text(corpus["second_segmentation"], corpus).filter(F.col("text").isNotNull())
    return _fails(segments, _span_ok(F.col("text"), F.col("char_start"), F.col("char_end"), F.col("quote")))


def second_link_signal_at_offsets(corpus: Corpus) -> Any:
    F = _f()
    links = _with_text(_links_with_source(corpus, "second_links"), corpus)
    parts = [F.col(name).isNotNull() for name in ("signal_quote", "signal_start", "signal_end")]
    none_given = ~parts[0] & ~parts[1] & ~parts[2]
    matches = (
        parts[0]
        & parts[1]
        & parts[2]
        & _span_ok(F.col("text"), F.col("signal_start"), F.col("signal_end"), F.col("signal_quote"))
    )
    return _fails(links, none_given | F.col("text").isNull() | matches)


SPARK_RULES: dict[str, Callable[[Corpus], Any]] = {
    function.__name__: function
    for function in (
        quote_at_offsets,
        span_inside_section,
        section_source_matches,
        claim_id_in_section,
        topic_kind_matches,
        certainty_follows_hedge_cues,
        statement_in_own_words,
        attribution_consistent,
        period_only_for_history,
        period_in_order,
        id_not_retired,
        section_span_valid,
        section_id_scheme,
        state_has_iso3,
        claim_second_coded,
        disagreements_resolved,
        decision_consistent,
        link_not_to_itself,
        retired_id_table_known,
        sections_do_not_overlap,
        sections_cover_text,
        no_causal_cycle,
        not_causal_and_contradicting,
        wikidata_qid_unique,
        claim_in_its_section_file,
        signal_only_when_explicit,
        signal_at_offsets,
        signal_decided,
        link_signal_at_offsets,
        link_signal_carries_link,
        certainty_cue_anchored,
        actor_exists_in_period,
        second_segment_at_offsets,
        second_link_signal_at_offsets,
    )
}
# Rules that apply to several tables (e.g. id_not_retired): their Spark form takes the table too.
PER_TABLE = {name for name in SPARK_RULES if sum(rule.name == name for rule in RULES) > 1}


def spark_rules() -> list[tuple[Rule, Callable[[Corpus], Any]]]:
    """Each rule of `alliance_data.rules.RULES` with its Spark form; an error if any has none."""
    missing = [rule.name for rule in RULES if rule.name not in SPARK_RULES]
    if missing:
        raise NotImplementedError(f"rules without a Spark form: {', '.join(missing)}")
    return [(rule, _bound(rule)) for rule in RULES]


def _bound(rule: Rule) -> Callable[[Corpus], Any]:
    form = SPARK_RULES[rule.name]
    return (lambda corpus: form(corpus, rule.table)) if rule.name in PER_TABLE else form


# ---------------------------------------------------------------------------------------
# Foreign keys


def foreign_key_failures(corpus: Corpus, table: Table, key: ForeignKey) -> Any:
    """Rows whose `key.column` is neither null nor an id of the parent table (an anti-join)."""
    F = _f()
    parents = corpus[key.table].select(F.col(key.other_column).alias("_parent")).distinct()
    rows = corpus[table.name].filter(F.col(key.column).isNotNull())
    return rows.join(parents, rows[key.column] == parents["_parent"], "left_anti")


def foreign_keys() -> list[tuple[Table, ForeignKey]]:
    return [(table, key) for table in CHECKED_TABLES for key in table.foreign_keys]
