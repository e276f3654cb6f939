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


class LinkRelation(DescribedEnum):
    """How one claim bears on another in the article's reasoning."""

    DRIVES = "drives", "The first claim is a reason the second happens."
    ENABLES = "enables", "The first claim makes the second possible without causing it."
    IMPLIES = "implies", "The second claim is a consequence the author draws from the first."
    POSES_RISK_TO = "poses_risk_to", "The first claim (a risk) endangers the second."
    QUALIFIES = "qualifies", "The first claim limits or nuances the second."
    CONTRADICTS = "contradicts", "The first claim is at odds with the second."


# Each relation's counterpart in the Argument Interchange Format: RA (inference: the first claim
# supports the second), CA (conflict: it attacks or limits it) or MA (rephrase).
AIF_SCHEMES = {
    LinkRelation.DRIVES: "RA",
    LinkRelation.ENABLES: "RA",
    LinkRelation.IMPLIES: "RA",
    LinkRelation.POSES_RISK_TO: "CA",
    LinkRelation.QUALIFIES: "CA",
    LinkRelation.CONTRADICTS: "CA",
}


def aif_scheme(relation: LinkRelation) -> str:
    return AIF_SCHEMES[relation]


class CodedField(DescribedEnum):
    """A field coded independently by two coders."""

    KIND = "kind", "The claim's kind."
    TOPIC_ID = "topic_id", "The claim's topic."
    CERTAINTY = "certainty", "The claim's certainty."
