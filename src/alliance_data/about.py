"""The dataset's name, version and citation: the one place they are written."""

__version__ = "2.0.0"
# The day this version was released (ISO 8601): its year is the year of the citation.
RELEASED = "2026-12-01"

NAME = "alliance-data"
TITLE = "alliance-data: the claims of “Iran And Russia: A Deepening Alliance”"
DESCRIPTION = (
    "A curated, versioned dataset of the claims made in the article “Iran And Russia: A Deepening "
    "Alliance” (Jhon Lennon): each claim with its kind, topic, actors, certainty, time frame, a "
    "statement in our own words and the exact quoted span of the source. Claims are the author's "
    "views, not established facts."
)
LICENSE = "CC-BY-4.0"
LICENSE_TITLE = "Creative Commons Attribution 4.0 (the curated records; the source text keeps its author's rights)"
HOMEPAGE = "https://github.com/alliance-data/alliance-data"


def year(released: str = RELEASED) -> str:
    return released[:4]


def citation(version: str = __version__, released: str = RELEASED) -> str:
    """How to cite this version of the dataset."""
    return (
        f"alliance-data contributors ({year(released)}). alliance-data: the claims of “Iran And Russia: A Deepening "
        f"Alliance” (version {version}) [dataset]. {HOMEPAGE}. Source article: Jhon Lennon, “Iran And Russia: "
        f"A Deepening Alliance”, URL and date unknown."
    )


# Stated wherever the source text ships (package, release, Datasette, article page).
SOURCE_TEXT_STATUS = (
    "The source text is the author's (Jhon Lennon), not the dataset's: it is not under the dataset's "
    "CC-BY-4.0 licence and is included unchanged, byte for byte, only so that every quote can be "
    "verified against it."
)
