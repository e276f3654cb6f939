"""Controlled vocabularies: every enumeration of the dataset, each value with its meaning.

Kept free of pydantic so that light modules (hedging, load) can use it. The order of
members is the order of the levels everywhere (categoricals, CHECK lists, codebook).
"""

from __future__ import annotations

from enum import StrEnum


class DescribedEnum(StrEnum):
    """A string enumeration whose members carry a one-line description."""

    description: str

    def __new__(cls, value: str, description: str) -> DescribedEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member

    # Ordinal scales (certainty, time frame) set this and load as ordered categoricals.
    __ordered__ = False

    @classmethod
    def values(cls) -> list[str]:
        return [member.value for member in cls]


class Kind(DescribedEnum):
    """The part a claim plays in the article's argument."""

    HISTORY = "history", "Background: how relations developed before the present."
    DRIVER = "driver", "A force the author says pushes the two states together now."
    AREA = "area", "A field in which the author says the two states cooperate."
    IMPLICATION = "implication", "A consequence the author draws for regional or global politics."
    OUTLOOK = "outlook", "A forecast of how the partnership will develop."
    RISK = "risk", "A challenge, limit or friction point the author sees for the partnership."


class Certainty(DescribedEnum):
    """How firmly the author puts a claim, read from hedge cues (see hedging.py)."""

    __ordered__ = True

    ASSERTED = "asserted", "Stated as fact, with no hedge cue in the quote."
    LIKELY = "likely", "Hedged as probable ('likely', 'expected to', 'poised to')."
    POSSIBLE = "possible", "Hedged as possible ('could', 'might', 'may', 'potentially')."
    SPECULATIVE = "speculative", "Offered as an illustration or long shot ('imagine', 'potentially even')."


class TimeFrame(DescribedEnum):
    """When the situation a claim describes holds."""

    __ordered__ = True

    HISTORICAL = "historical", "Before the current rapprochement (the past the author recounts)."
    CURRENT = "current", "The present state of relations at the time of writing."
    FUTURE = "future", "What the author expects or fears will come."


class ActorType(DescribedEnum):
    """What sort of entity an actor is."""

    STATE = "state", "A sovereign state that exists today."
    HISTORICAL_STATE = "historical_state", "A state or empire that no longer exists."
    BLOC = "bloc", "A bloc or informal group of states (e.g. 'the West')."
    INTERNATIONAL_ORGANIZATION = "international_organization", "A body made by states (e.g. the UN)."
    REGION = "region", "A geographic region or sea, not a political actor in itself."
    NON_STATE_GROUP = "non_state_group", "Armed or political groups that are not states."


class ActorRole(DescribedEnum):
    """The part an actor plays in one claim."""

    SUBJECT = "subject", "Acts or holds the view the claim is about."
    PARTNER = "partner", "Cooperates with, or is courted by, the subject."
    COUNTERPART = "counterpart", "Stands opposite the subject: rival, adversary or source of pressure."
    TARGET = "target", "Is acted upon: sanctioned, supported, challenged or affected."
    LOCATION = "location", "The place where the claimed activity happens."
    HOLDER = "holder", "Holds the view the author attributes to it (claims with attribution 'attributed')."


class Attribution(DescribedEnum):
    """Whose view a claim is."""

    AUTHOR = "author", "The author's own view."
    ATTRIBUTED = "attributed", "A view the author attributes to actors (role 'holder' in claim_actors)."


class RelationEnum(DescribedEnum):
    """A relation between claims: its definition, the signals that mark it in a text, and its
    counterpart in the Argument Interchange Format (AIF): an inference (RA node), a conflict (CA
    node) or a rephrase (MA node).

    The signals bind: an explicit link's signal must contain a signal listed for its relation, and
    no longer one listed for another (rule `signal_follows_codebook`), unless a coding decision
    records why. A signal written with a capital stands at the start of a sentence, one in lower
    case anywhere; `SIGNAL_GAP` stands for the words a signal spans ("By …, they are")."""

    signals: tuple[str, ...]
    aif: str

    def __new__(cls, value: str, description: str, signals: tuple[str, ...] = (), aif: str = "") -> RelationEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        member.signals = signals
        member.aif = aif
        return member


# In a listed signal: the words between its parts ("By …, they are contributing to").
SIGNAL_GAP = "…"


class LinkRelation(RelationEnum):
    """How one claim bears on another in the article's reasoning."""

    DRIVES = (
        "drives",
        "The first claim is a reason the second happens: the text names it as the cause, pressure or motive "
        "behind a state of affairs it reports as holding.",
        (
            "driven by",
            "influenced by",
            "This has led to",
            "This created",
            "creates a powerful incentive",
            "creates",
            "strengthens",
            "because",
            "due to",
            "in response to",
            "for good reason",
            "it becomes clear why",
            "driver",
            "especially as",
            "as",
            "when",
        ),
        "inference",
    )
    ENABLES = (
        "enables",
        "The first claim makes the second possible without causing it: a capacity, resource or foundation "
        "the second rests on.",
        (
            "making them natural partners",
            "making them",
            "built upon a long … foundation",
            "built on a solid foundation",
            "foundation",
            "allows",
            "enables",
        ),
        "inference",
    )
    IMPLIES = (
        "implies",
        "The second claim is a consequence the author draws from the first: an effect the author infers or "
        "forecasts, often hedged.",
        (
            "This means",
            "This could lead to",
            "could lead to",
            "lead to",
            "It's a clear signal that",
            "clear signal",
            "clear indication",
            "it shows that",
            "It demonstrates that",
            "By …, they are contributing to",
            "By …, they are",
            "contributing to",
            "chip away at",
            "heralding",
        ),
        "inference",
    )
    POSES_RISK_TO = (
        "poses_risk_to",
        "The first claim (a risk) endangers the second.",
        (
            "However, it's not all smooth sailing",
            "could lead to occasional disagreements",
            "counter-efforts",
        ),
        "conflict",
    )
    QUALIFIES = (
        "qualifies",
        "The first claim limits or nuances the second.",
        ("though", "while", "albeit", "despite", "but", "However", "or perhaps", "either", "hinges on"),
        "conflict",
    )
    CONTRADICTS = (
        "contradicts",
        "The first claim is at odds with the second.",
        ("on the other hand", "paradoxically", "in contrast"),
        "conflict",
    )
    ELABORATES = (
        "elaborates",
        "The first claim is a component or a specific case of the more general second claim.",
        (
            "This includes",
            "This could involve",
            "It involves",
            "Let's break down",
            "First off",
            "Another",
            "another big one",
            "Beyond",
            "Lastly",
            "Finally",
            "Furthermore",
            "More importantly",
            "One of the",
            "also",
            "particularly",
        ),
        "inference",
    )
    EXEMPLIFIES = (
        "exemplifies",
        "The first claim is an example of the second.",
        ("For instance", "a prime example of", "Think about", "Imagine", "a case study", "showing how"),
        "inference",
    )
    RESTATES = (
        "restates",
        "The first claim states the same proposition as the second again (the later mention first).",
        ("In essence", "As we touched upon earlier", "So, when you put all these elements together", "So, you see"),
        "rephrase",
    )


# The relations by which one claim leads to another (a reason, a condition, a consequence drawn):
# what "follows from" a claim. Elaborating, exemplifying, restating, qualifying or contradicting a
# claim says something about it, not what follows from it.
LEADS_TO = (LinkRelation.DRIVES, LinkRelation.ENABLES, LinkRelation.IMPLIES)


class LinkBasis(DescribedEnum):
    """What in the text a link rests on."""

    EXPLICIT = (
        "explicit",
        "A connective or reference in the text signals the link ('This means', 'driven by', 'For instance', "
        "'As we touched upon earlier'); the signal is anchored in signal_quote, signal_start and signal_end.",
    )
    IMPLICIT = "implicit", "Adjacent text plainly connects the two claims without a connective."
    INFERRED = (
        "inferred",
        "The curators' reading, not marked in the text; kept only where it is valuable, and the justification "
        "says why.",
    )


class CueScope(DescribedEnum):
    """Where a certainty cue stands relative to the claim it decides."""

    QUOTE = "quote", "Inside the claim's quote; found by the cue table (derived by the build)."
    GOVERNING = (
        "governing",
        "Outside the quote, in the clause that scopes over it ('Expect to see …', 'This includes …'); "
        "a curator's decision of scope, authored in data/certainty_cues.yaml with its reason.",
    )


class SignalDecision(DescribedEnum):
    """What was decided about a connective or anaphor that could join two claims."""

    LINK = "link", "It signals a link: an explicit claim link carries it as its signal."
    IMPLICIT_LINK = (
        "implicit_link",
        "It joins two claims but names an entity or adds an item, not the relation, so the link it goes with is "
        "implicit and carries no signal (the reason names the link).",
    )
    NO_LINK = "no_link", "It joins no two claims (the reason says why)."


class DecisionSource(DescribedEnum):
    """Who raised the question a coding decision settles."""

    SECOND_CODER = "second_coder", "The blind second coding of kind, topic and certainty (data/second_coding.yaml)."
    CRITICAL_READING = (
        "critical_reading",
        "A critical reading of the records against the text by a reader who did not write them.",
    )


# The node type of each AIF counterpart: RA (inference), CA (conflict), MA (rephrase).
AIF_NODE_TYPES = {"inference": "RA", "conflict": "CA", "rephrase": "MA"}


def aif_scheme(relation: LinkRelation) -> str:
    """The AIF scheme node type of a relation (its `aif` counterpart, as an AIF node type)."""
    return AIF_NODE_TYPES[relation.aif]


class CodedField(DescribedEnum):
    """What a coding decision is about: a field of a claim, the claim itself, or one of its links."""

    KIND = "kind", "The claim's kind."
    TOPIC_ID = "topic_id", "The claim's topic."
    CERTAINTY = "certainty", "The claim's certainty."
    STATEMENT = "statement", "The claim's statement in our own words."
    PERIOD = "period", "The claim's period (period_start, period_end, period_label)."
    ACTORS = "actors", "The claim's actors and their roles."
    CLAIM = "claim", "Whether the claim is recorded at all (a claim added for a cause or a restatement)."
    LINK = "link", "A link from the claim to other_claim: its relation and basis, or its removal."
    SIGNAL = (
        "signal",
        "Why an explicit link from the claim to other_claim keeps a signal that the codebook's signal table lists "
        "for another relation, or that stands far from the two claims (resolved: '<relation>, explicit').",
    )
