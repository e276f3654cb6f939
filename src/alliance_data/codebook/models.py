"""The one definition of every table and column of the dataset.

Each pydantic model is a table; each field is a column with its type, nullability,
enumeration, pattern and description. Everything else (pandera schemas, JSON Schema,
SQLite DDL, Parquet metadata, the codebook) is derived from these models by
`columns.py`. Change a column here and nowhere else.

Fields marked `derived()` are computed by the build, never authored by hand.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

from .identifiers import (
    ACTOR_ID,
    CLAIM_ID,
    CONTEXT_CHARS,
    DYAD,
    ISO3,
    PARTIAL_DATE,
    SECTION_ID,
    SHA256,
    SOURCE_ID,
    TOPIC_ID,
    URL,
    WIKIDATA_QID,
)
from .plain_text import PlainText
from .vocabulary import (
    ActorRole,
    ActorType,
    Attribution,
    Certainty,
    CodedField,
    CueScope,
    DecisionSource,
    Kind,
    LinkBasis,
    LinkRelation,
    SignalDecision,
    TimeFrame,
)

Offset = Annotated[StrictInt, Field(ge=0)]
# Text in our own words (or an id or name we give): plain, see plain_text.py. Text copied from a
# source (quotes, their context, headings) is plain `str` and keeps what the source has.
Text = Annotated[str, PlainText()]

# The longest text value of any column, in characters (Python string length): the build refuses
# anything longer, and the server's SQLite length limit (serving/bounds.py) is derived from it,
# so every value that builds can be served.
MAX_TEXT_LENGTH = 100_000
# The longest value in bytes, as SQLite counts: UTF-8 takes at most 4 bytes a character.
MAX_TEXT_BYTES = 4 * MAX_TEXT_LENGTH
Year = Annotated[StrictInt, Field(ge=-3000, le=2100)]
# A state number of the Correlates of War or Gleditsch–Ward lists.
StateNumber = Annotated[StrictInt, Field(ge=2, le=999)]


def derived(description: str, **kwargs: Any) -> Any:
    """A column the build computes; curators must not write it."""
    return Field(default=None, description=description, json_schema_extra={"derived": True}, **kwargs)


class Record(BaseModel):
    """Base of every table: unknown fields are errors; text never holds a NUL character and is
    at most MAX_TEXT_LENGTH characters long."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False, str_max_length=MAX_TEXT_LENGTH)

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # SQLite's length() and many CSV readers stop at NUL; no text of ours needs one.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("text must not contain a NUL character (\\x00)")
        return value


class Source(Record):
    """One source document whose claims the dataset records, stored byte for byte under data/sources/."""

    source_id: str = Field(pattern=SOURCE_ID, description="Stable identifier of the source.")
    title: Text = Field(min_length=1, description="Title as printed in the source.")
    author: Text = Field(min_length=1, description="Author as printed in the source, spelling kept.")
    url: str | None = Field(default=None, pattern=URL, description="Where the source was published; null when unknown.")
    published: str | None = Field(
        default=None,
        pattern=PARTIAL_DATE,
        description="Publication date (YYYY, YYYY-MM or YYYY-MM-DD); null when unknown, never guessed.",
    )
    language: str = Field(pattern=r"^[a-z]{2}$", description="ISO 639-1 code of the source's language.")
    file_name: str = Field(
        pattern=r"^[a-z0-9][a-z0-9._-]*\.txt$",
        description="File of the source's full text under data/sources/, UTF-8, never edited.",
    )
    sha256: str = Field(pattern=SHA256, description="SHA-256 of the source file's bytes; the build checks it.")
    char_count: StrictInt = Field(
        ge=1, description="Length of the source text in characters (Python string length of the UTF-8 text)."
    )
    note: Text | None = Field(default=None, description="Provenance notes: what is known and unknown about the source.")


class Section(Record):
    """A section of a source: the untitled introduction, then each headed section in reading order."""

    section_id: str = Field(pattern=SECTION_ID, description="Stable identifier: the source id, '-s', the ordinal.")
    source_id: str = Field(pattern=SOURCE_ID, description="The source this section belongs to (sources.source_id).")
    ordinal: StrictInt = Field(ge=0, description="Position in the source, from 0 for the introduction.")
    heading: str | None = Field(
        default=None, min_length=1, description="Heading as printed; null for the untitled introduction."
    )
    short_name: Text = Field(min_length=1, description="Short name for tables and figures, e.g. 'Drivers'.")
    char_start: Offset = Field(description="Offset of the section's first character (its heading, if any).")
    body_start: Offset = Field(description="Offset of the first character of the section's body text.")
    char_end: Offset = Field(description="Offset just past the section's last character (exclusive).")


class Topic(Record):
    """The controlled vocabulary of topics: each claim is about exactly one topic of its own kind."""

    topic_id: str = Field(pattern=TOPIC_ID, description="Stable identifier of the topic.")
    kind: Kind = Field(description="The kind of claim this topic classifies.")
    label: Text = Field(min_length=1, description="Short human-readable name of the topic.")
    description: Text = Field(min_length=1, description="What the topic covers, in our own words.")


class Actor(Record):
    """A state, historical state, bloc, organization, region or group named or clearly referred to in a source."""

    actor_id: str = Field(
        pattern=ACTOR_ID, description="Stable identifier: ISO 3166-1 alpha-3 for states, else a name."
    )
    name: Text = Field(min_length=1, description="Common English name.")
    actor_type: ActorType = Field(description="What sort of entity the actor is.")
    iso3: str | None = Field(
        default=None, pattern=ISO3, description="ISO 3166-1 alpha-3 code; null where none applies."
    )
    cow_code: StateNumber | None = Field(
        default=None,
        description="Correlates of War state number (ccode); null where none applies. COW gives the "
        "Soviet Union and Russia the same number, 365.",
    )
    gw_code: StateNumber | None = Field(
        default=None,
        description="Gleditsch–Ward state number (gwcode); null where none applies. Russia and the Soviet "
        "Union share 365, as in COW.",
    )
    vdem_id: StrictInt | None = Field(
        default=None,
        ge=1,
        le=999,
        description="V-Dem country_id; null where none applies. V-Dem codes the Russian Empire, the Soviet "
        "Union and Russia as one country (11).",
    )
    wikidata_qid: str | None = Field(
        default=None, pattern=WIKIDATA_QID, description="Wikidata item identifier; null where none fits."
    )
    identifier_source: Text | None = Field(
        default=None, description="Where the identifiers were taken from and checked."
    )
    active_from: Year | None = Field(
        default=None,
        description="First year the actor existed as this entity (e.g. 1991 for the Russian Federation); null "
        "when it needs no bound. A historical claim's period must overlap it.",
    )
    active_until: Year | None = Field(
        default=None,
        description="Last year the actor existed as this entity (e.g. 1991 for the Soviet Union); null while "
        "it exists.",
    )


class Claim(Record):
    """One claim the author makes: the author's view, not an established fact."""

    claim_id: str = Field(
        pattern=CLAIM_ID, description="Stable identifier: the section id and a three-digit number; never reused."
    )
    source_id: str = Field(pattern=SOURCE_ID, description="The source making the claim (sources.source_id).")
    section_id: str = Field(pattern=SECTION_ID, description="The section holding the quote (sections.section_id).")
    kind: Kind = Field(description="The part the claim plays in the article's argument.")
    topic_id: str = Field(pattern=TOPIC_ID, description="The claim's topic (topics.topic_id), of the same kind.")
    statement: Text = Field(
        min_length=10, description="The claim restated in our own words as a self-contained sentence."
    )
    quote: str = Field(
        min_length=1,
        description="The exact words of the source that carry the claim; equals the source text "
        "from char_start to char_end.",
    )
    char_start: Offset = Field(description="Offset of the quote's first character in the source text (0-based).")
    char_end: Offset = Field(description="Offset just past the quote's last character (exclusive).")
    prefix: str = Field(
        description=f"Up to {CONTEXT_CHARS} characters of source text just before the quote "
        "(W3C TextQuoteSelector prefix), for re-anchoring."
    )
    suffix: str = Field(
        description=f"Up to {CONTEXT_CHARS} characters of source text just after the quote "
        "(W3C TextQuoteSelector suffix), for re-anchoring."
    )
    certainty: Certainty = Field(
        description="How firmly the author puts the claim: the weakest level among the cues that decide it "
        "(certainty_cues: those in the quote and those governing it), 'asserted' when there is none."
    )
    hedge_note: Text | None = Field(
        default=None,
        min_length=1,
        description="Why certainty departs from what its cues in certainty_cues imply; null when it does not.",
    )
    hedge_cues: str | None = derived(
        "Hedge cues found in the quote by the cue table, '; '-separated in order of appearance; null when none. "
        "Every cue that decides the certainty, in the quote or governing it, is in certainty_cues."
    )
    booster_cues: str | None = derived(
        "Boosters found in the quote ('undoubtedly', 'definitely', 'clearly', 'pretty clear', 'absolutely'), "
        "'; '-separated in order of appearance; null when none. They mark emphasis and do not change certainty."
    )
    time_frame: TimeFrame = Field(description="When the claimed situation holds.")
    period_start: Year | None = Field(
        default=None, description="First year of the period a historical claim refers to, as the text gives it."
    )
    period_end: Year | None = Field(
        default=None, description="Last year of the period a historical claim refers to, as the text gives it."
    )
    period_label: Text | None = Field(
        default=None, min_length=1, description="Named era the text gives (e.g. 'Cold War'); null when none."
    )
    attribution: Attribution = Field(
        default=Attribution.AUTHOR,
        description="Whether this is the author's own view or one the author attributes to actors "
        "(those with role 'holder' in claim_actors).",
    )


class ClaimActor(Record):
    """An actor taking part in a claim, with its role."""

    claim_id: str = Field(pattern=CLAIM_ID, description="The claim (claims.claim_id).")
    actor_id: str = Field(pattern=ACTOR_ID, description="The actor (actors.actor_id).")
    role: ActorRole = Field(description="The part the actor plays in the claim.")


class ClaimLink(Record):
    """A link between two claims: what the text signals or plainly implies (basis 'explicit' or
    'implicit'), or a reading of the curators (basis 'inferred'). Filter on basis != 'inferred'
    for what the author argued. Links are not required: a claim may have none (the rule of
    release 1.0.0 that every driver, outlook and risk be linked, and its exemption list
    unlinked_claims.yaml, were removed in 2.0.0); `alliance-data coverage` lists claims in no link."""

    from_claim: str = Field(pattern=CLAIM_ID, description="The claim the link starts from (claims.claim_id).")
    to_claim: str = Field(pattern=CLAIM_ID, description="The claim the link points to (claims.claim_id).")
    relation: LinkRelation = Field(description="How the first claim bears on the second.")
    basis: LinkBasis = Field(description="What in the text the link rests on.")
    signal_quote: str | None = Field(
        default=None,
        min_length=1,
        description="The connective or reference that signals an explicit link, verbatim; equals the source text "
        "of from_claim from signal_start to signal_end. Null exactly when basis is not 'explicit'.",
    )
    signal_start: Offset | None = Field(
        default=None, description="Offset of the signal's first character in the source text; null unless explicit."
    )
    signal_end: Offset | None = Field(
        default=None, description="Offset just past the signal's last character (exclusive); null unless explicit."
    )
    justification: Text = Field(
        min_length=10,
        description="Why the text supports the link, in our own words; for an inferred link, why it is kept.",
    )


class CertaintyCue(Record):
    """A cue that decides a claim's certainty, anchored in the source text: each hedge cue in the
    claim's quote (found by the build) and each cue outside it whose scope covers the claim (a
    curator's decision, authored in data/certainty_cues.yaml with its reason). A claim with no row
    has no cue and is asserted; for a claim with a hedge_note, its rows are the cues the note sets
    aside."""

    claim_id: str = Field(pattern=CLAIM_ID, description="The claim whose certainty the cue decides (claims.claim_id).")
    cue: str = Field(min_length=1, description="The cue as the cue table (hedging.py) writes it, e.g. 'expect'.")
    char_start: Offset = Field(description="Offset of the cue's first character in the claim's source text.")
    char_end: Offset = Field(description="Offset just past the cue's last character (exclusive).")
    scope: CueScope | None = derived("Whether the cue stands in the claim's quote or governs it from outside.")
    effect: Certainty | None = derived("The certainty the cue table gives the cue.")
    reason: Text | None = Field(
        default=None,
        min_length=10,
        description="For a governing cue: why its scope covers the claim; null for a cue in the quote.",
    )


class LinkSignal(Record):
    """A connective or anaphor of a source that could join two claims ('This means', 'driven by',
    'For instance', 'As …', 'By …ing'), with what was decided about it; `alliance-data coverage`
    lists the candidates in the text that were never decided."""

    source_id: str = Field(pattern=SOURCE_ID, description="The source holding the signal (sources.source_id).")
    signal_start: Offset = Field(description="Offset of the signal's first character in the source text.")
    signal_end: Offset = Field(description="Offset just past the signal's last character (exclusive).")
    signal_quote: str = Field(
        min_length=1, description="The signal verbatim; equals the source text from signal_start to signal_end."
    )
    decision: SignalDecision = Field(description="Whether the signal carries a link.")
    reason: Text = Field(min_length=10, description="Why: what it joins, or why it joins no two claims.")


class SecondSegment(Record):
    """A span of the source that a second coder, working from the text and the codebook alone,
    took for one claim, with its kind: the basis of the agreement figures on segmentation."""

    source_id: str = Field(pattern=SOURCE_ID, description="The source segmented (sources.source_id).")
    char_start: Offset = Field(description="Offset of the span's first character in the source text.")
    char_end: Offset = Field(description="Offset just past the span's last character (exclusive).")
    quote: str = Field(
        min_length=1, description="The span verbatim; equals the source text from char_start to char_end."
    )
    kind: Kind = Field(description="The second coder's kind for the span.")


class SecondLink(Record):
    """A link among the claims that a second coder drew without seeing the claim_links table:
    the basis of the agreement figures on links."""

    from_claim: str = Field(pattern=CLAIM_ID, description="The claim the link starts from (claims.claim_id).")
    to_claim: str = Field(pattern=CLAIM_ID, description="The claim the link points to (claims.claim_id).")
    relation: LinkRelation = Field(description="The second coder's relation.")
    basis: LinkBasis = Field(description="The second coder's basis.")
    signal_quote: str | None = Field(
        default=None, min_length=1, description="The signal the second coder saw, verbatim; null when none."
    )
    signal_start: Offset | None = Field(
        default=None, description="Offset of the signal's first character; null when none."
    )
    signal_end: Offset | None = Field(
        default=None, description="Offset just past the signal (exclusive); null when none."
    )


class ActorPair(Record):
    """One row per claim and unordered pair of its distinct actors (derived from claim_actors)."""

    claim_id: str = Field(pattern=CLAIM_ID, description="The claim both actors take part in (claims.claim_id).")
    dyad: str = Field(pattern=DYAD, description="Sorted dyad key 'A-B' of the two actor ids, e.g. 'IRN-RUS'.")
    actor_a: str = Field(pattern=ACTOR_ID, description="The actor whose id sorts first (actors.actor_id).")
    actor_b: str = Field(pattern=ACTOR_ID, description="The actor whose id sorts second (actors.actor_id).")
    ccode1: StateNumber | None = Field(
        default=None,
        description="The lower of the two actors' COW codes, as non-directed dyads are keyed in COW data "
        "(peacesciencer's ccode1); null unless both actors have COW codes and they differ.",
    )
    ccode2: StateNumber | None = Field(
        default=None,
        description="The higher of the two actors' COW codes (peacesciencer's ccode2); null unless both "
        "actors have COW codes and they differ.",
    )


class SecondCoding(Record):
    """A blind second coding of a claim's kind, topic and certainty, made from the quote and the
    codebook without seeing the first coder's values; the basis of the agreement report."""

    claim_id: str = Field(pattern=CLAIM_ID, description="The claim coded (claims.claim_id).")
    kind: Kind = Field(description="The second coder's kind.")
    topic_id: str = Field(pattern=TOPIC_ID, description="The second coder's topic (topics.topic_id).")
    certainty: Certainty = Field(description="The second coder's certainty.")
    note: Text | None = Field(default=None, min_length=1, description="The second coder's remark on a hard choice.")


# A coding decision's id: decisions are numbered in the order they were made.
DECISION_ID = r"^decision-[0-9]{4,}$"


class CodingDecision(Record):
    """How a question about a claim's coding was settled: a disagreement between the two coders of
    a claim, or a point a critical reading of the records against the text raised (a field, the
    claim itself, or one of its links), with the value kept and why."""

    # An id of its own: one claim's field or link may be decided more than once (by the second
    # coder, then by each critical reading), and most decisions have no other claim to key on.
    decision_id: str = Field(
        pattern=DECISION_ID,
        description="Stable identifier of the decision: 'decision-' and a number of at least four digits, "
        "in the order decisions were made; never reused.",
    )
    claim_id: str = Field(pattern=CLAIM_ID, description="The claim coded (claims.claim_id).")
    field: CodedField = Field(description="What was decided.")
    other_claim: str | None = Field(
        default=None,
        pattern=CLAIM_ID,
        description="For a decision about a link: the claim at its other end (claims.claim_id); null otherwise.",
    )
    raised_by: DecisionSource = Field(
        default=DecisionSource.SECOND_CODER, description="Who raised the question the decision settles."
    )
    first_coder: Text = Field(min_length=1, description="The value before the decision (the first coding).")
    second_coder: Text = Field(
        min_length=1,
        description="The value proposed without writing the first: the blind second coder's, or the critical "
        "reader's proposal.",
    )
    resolved: Text = Field(min_length=1, description="The value kept in the data.")
    reason: Text = Field(min_length=10, description="Why that value was kept.")


class RetiredId(Record):
    """An identifier that was once used and must never be used again."""

    id: Text = Field(min_length=1, description="The retired identifier.")
    table: Text = Field(min_length=1, description="The table it belonged to.")
    reason: Text = Field(min_length=1, description="Why it was retired.")
