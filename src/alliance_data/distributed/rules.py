"""Every foreign key and every cross-table rule of `alliance_data.rules`, as Spark operations.

Each rule is a function of the corpus that returns the failing rows of its table: foreign
keys are anti-joins, lookups in other tables are left joins (a row whose parent is unknown
passes, as on one machine: the foreign key reports it once), anchors are `substring`s of the
source text. `SPARK_RULES` has one entry per rule in `alliance_data.rules.RULES`, by name;
`spark_rules()` refuses to run when one is missing, so a new rule cannot be skipped here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from ..hedging import certainty_of_cues
from ..identifiers import CONTEXT_CHARS
from ..registry import CHECKED_TABLES, TABLES_BY_NAME, ForeignKey, Table
from ..reliability import CODED_FIELDS
from ..rules import (
    CAUSAL_RELATIONS,
    LINK_REQUIREMENTS,
    RULES,
    TITLE_BLOCK_LINES,
    Rule,
    causal_cycle_edges,
    id_tables,
)
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
    """The certainty each distinct hedge_cues value gives, by the one cue table
    (`hedging.certainty_of_cues`); there are few distinct values, so they are mapped on the driver."""
    F = _f()
    claims = corpus["claims"]
    distinct = [row[0] for row in claims.select("hedge_cues").distinct().collect()]
    implied = {}
    for cues in distinct:
        # A value with a word that is not in the cue table implies nothing: the rule fails.
        with contextlib.suppress(KeyError):
            implied[cues or ""] = certainty_of_cues(cues.split("; ") if cues else []).value
    mapping = F.create_map(*[F.lit(part) for pair in implied.items() for part in pair]) if implied else None
    expected = mapping[F.coalesce(F.col("hedge_cues"), F.lit(""))] if mapping is not None else F.lit(None)
    return _fails(claims, (F.col("certainty") == expected) != F.col("hedge_note").isNotNull())


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
    return corpus["claims"].join(corpus["second_coding"].select("claim_id"), "claim_id", "left_anti")


def _requirement_met(corpus: Corpus) -> Any:
    """(claim_id, kind) of the claims that need a link by their kind and have it."""
    F = _f()
    claims, links = corpus["claims"], corpus["claim_links"]
    kinds = claims.select(F.col("claim_id").alias("to_claim"), F.col("kind").alias("_target_kind"))
    forward = links.join(kinds, "to_claim").filter(F.col("_target_kind").isin("area", "implication", "outlook"))
    satisfied = {
        "driver": forward.select(F.col("from_claim").alias("claim_id")),
        "risk": links.filter(F.col("relation") == "poses_risk_to").select(F.col("from_claim").alias("claim_id")),
        "outlook": links.filter(F.col("relation").isin("drives", "implies")).select(
            F.col("to_claim").alias("claim_id")
        ),
    }
    assert set(satisfied) == set(LINK_REQUIREMENTS), "a kind's link requirement has no Spark form"
    linked = None
    for kind, ids in satisfied.items():
        part = ids.distinct().withColumn("kind", F.lit(kind))
        linked = part if linked is None else linked.unionByName(part)
    return claims.select("claim_id", "kind").join(linked, ["claim_id", "kind"], "left_semi")


def claim_linked_as_its_kind_requires(corpus: Corpus) -> Any:
    F = _f()
    needing = corpus["claims"].filter(F.col("kind").isin(*LINK_REQUIREMENTS))
    needing = needing.join(corpus["unlinked_claims"].select("claim_id"), "claim_id", "left_anti")
    return needing.join(_requirement_met(corpus), ["claim_id", "kind"], "left_anti")


def unlinked_claim_needs_exemption(corpus: Corpus) -> Any:
    """Entries for a known claim whose kind needs no link, or that has the link it needs."""
    F = _f()
    entries = _lookup(corpus["unlinked_claims"], corpus["claims"], "claim_id", "claim_id", ["kind"], "_c_")
    met = _requirement_met(corpus).select("claim_id", F.lit(True).alias("_met"))
    entries = entries.join(met, "claim_id", "left")
    needed = F.col("_c_kind").isin(*LINK_REQUIREMENTS) & F.col("_met").isNull()
    return _fails(entries.filter("_c_known"), needed)


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
    resolved_ok = ~F.col("_c_known") | _false_if_null(F.col("resolved") == _value_of_field("_c_"))
    second_ok = ~F.col("_2_known") | _false_if_null(F.col("second_coder") == _value_of_field("_2_"))
    nothing_to_decide = (F.col("first_coder") == F.col("second_coder")) & (F.col("second_coder") == F.col("resolved"))
    return _fails(decisions, resolved_ok & second_ok & ~_false_if_null(nothing_to_decide))


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
        claim_linked_as_its_kind_requires,
        link_not_to_itself,
        retired_id_table_known,
        unlinked_claim_needs_exemption,
        sections_do_not_overlap,
        sections_cover_text,
        no_causal_cycle,
        not_causal_and_contradicting,
        wikidata_qid_unique,
        claim_in_its_section_file,
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
