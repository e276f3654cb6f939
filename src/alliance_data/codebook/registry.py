"""The tables of the dataset: which model defines each, its keys, and where it comes from.

This is the one list of tables. Keys and foreign keys live here because they relate
tables to each other; the columns themselves live in the models.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from pydantic import BaseModel

from . import models
from .columns import Column, columns


@dataclass(frozen=True)
class ForeignKey:
    column: str
    table: str
    other_column: str


@dataclass(frozen=True)
class Table:
    name: str
    model: type[BaseModel]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    # Where curators write the records, relative to the data directory; None when the
    # build derives the table from other tables.
    authored: str | None = None
    label_column: str | None = None
    full_text: tuple[str, ...] = ()

    @property
    def description(self) -> str:
        return " ".join((self.model.__doc__ or "").split())

    @cached_property
    def columns(self) -> list[Column]:
        return columns(self.model)

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


def fk(column: str, table: str, other_column: str | None = None) -> ForeignKey:
    return ForeignKey(column, table, other_column or column)


TABLES: tuple[Table, ...] = (
    Table("sources", models.Source, ("source_id",), authored="sources.yaml", label_column="title"),
    Table(
        "sections",
        models.Section,
        ("section_id",),
        (fk("source_id", "sources"),),
        authored="sections.yaml",
        label_column="short_name",
    ),
    Table("topics", models.Topic, ("topic_id",), authored="topics.yaml", label_column="label"),
    Table("actors", models.Actor, ("actor_id",), authored="actors.yaml", label_column="name"),
    Table(
        "claims",
        models.Claim,
        ("claim_id",),
        (
            fk("source_id", "sources"),
            fk("section_id", "sections"),
            fk("topic_id", "topics"),
        ),
        authored="claims/*.yaml",
        label_column="statement",
        full_text=("statement", "quote"),
    ),
    Table(
        "claim_actors",
        models.ClaimActor,
        ("claim_id", "actor_id"),
        (fk("claim_id", "claims"), fk("actor_id", "actors")),
        # Authored inside each claim, under its `actors:` key.
        authored="claims/*.yaml#actors",
    ),
    Table(
        "claim_links",
        models.ClaimLink,
        ("from_claim", "to_claim", "relation"),
        (fk("from_claim", "claims", "claim_id"), fk("to_claim", "claims", "claim_id")),
        authored="claim_links.yaml",
    ),
    Table(
        "link_signals",
        models.LinkSignal,
        ("source_id", "signal_start"),
        (fk("source_id", "sources"),),
        authored="link_signals.yaml",
    ),
    Table(
        "certainty_cues",
        models.CertaintyCue,
        ("claim_id", "char_start"),
        (fk("claim_id", "claims"),),
        # Governing cues are authored; the build adds every cue in a quote (derive.py).
        authored="certainty_cues.yaml",
    ),
    Table(
        "actor_pairs",
        models.ActorPair,
        ("claim_id", "dyad"),
        (fk("claim_id", "claims"), fk("actor_a", "actors", "actor_id"), fk("actor_b", "actors", "actor_id")),
    ),
    Table(
        "second_coding",
        models.SecondCoding,
        ("claim_id",),
        (fk("claim_id", "claims"), fk("topic_id", "topics")),
        authored="second_coding.yaml",
    ),
    Table(
        "second_segmentation",
        models.SecondSegment,
        ("source_id", "char_start", "char_end"),
        (fk("source_id", "sources"),),
        authored="second_segmentation.yaml",
    ),
    Table(
        "second_links",
        models.SecondLink,
        ("from_claim", "to_claim", "relation"),
        (fk("from_claim", "claims", "claim_id"), fk("to_claim", "claims", "claim_id")),
        authored="second_links.yaml",
    ),
    Table(
        "coding_decisions",
        models.CodingDecision,
        ("decision_id",),
        (fk("claim_id", "claims"), fk("other_claim", "claims", "claim_id")),
        authored="coding_decisions.yaml",
    ),
)

# Curation inputs: checked like the tables (key, foreign keys, rules), never published.
CURATION_LISTS: tuple[Table, ...] = (Table("retired_ids", models.RetiredId, ("id",), authored="retired_ids.yaml"),)
CHECKED_TABLES = TABLES + CURATION_LISTS

TABLES_BY_NAME = {table.name: table for table in CHECKED_TABLES}


def nullable_key_columns(table: Table) -> list[str]:
    """The primary-key columns its model lets be null: none may be (SQL engines refuse such a key)."""
    nullable = {column.name for column in table.columns if column.nullable}
    return [name for name in table.primary_key if name in nullable]
