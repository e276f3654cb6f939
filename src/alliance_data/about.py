"""The dataset's name, version and citation: the one place they are written."""

import re
import uuid

__version__ = "3.0.0"
# The day this version was released (ISO 8601): its year is the year of the citation.
RELEASED = "2026-12-07"

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
# Where the dataset is published and its DOI: both unset until the dataset has them. No address
# is written anywhere that we do not have; `python -m tools.identity` sets them at publication
# (docs/formats.md). The two assignments below are rewritten by that tool: keep them one line each.
PUBLIC_BASE_URL: str | None = None
DOI: str | None = None
# Identifiers that hold without an address: name-based UUIDs (RFC 9562, version 5) in this
# namespace, one per version and file path, written as `urn:uuid:` IRIs. The same version and
# path always give the same IRI, so a release's files never change when an address is set later.
IRI_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:alliance-data")


def resource_iri(path: str, version: str | None = None) -> str:
    """The IRI of a file of a release (`sources/irda.txt`) or of something in it (`sources/irda.txt#irda-s3-004`):
    under PUBLIC_BASE_URL once it is set, else a `urn:uuid:` name-based on version and file path, the
    fragment kept as it is, so that a claim's id stays readable in its IRI."""
    version = version or __version__
    if PUBLIC_BASE_URL:
        return f"{PUBLIC_BASE_URL.rstrip('/')}/v{version}/{path}"
    file, hash_sign, fragment = path.partition("#")
    return f"urn:uuid:{uuid.uuid5(IRI_NAMESPACE, f'{NAME}/v{version}/{file}')}{hash_sign}{fragment}"


def where_published() -> str:
    """The address and DOI of the citation, or that there are none yet."""
    found = [f"https://doi.org/{DOI}" if DOI else "", PUBLIC_BASE_URL or ""]
    return ". ".join(part for part in found if part) or "No public URL or DOI yet"


def year(released: str = RELEASED) -> str:
    return released[:4]


_SEMANTIC = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")


def bare_version(version: str) -> str:
    """`1.0.0` from '1.0.0' or 'v1.0.0': the one reading of a version everywhere (load, citation,
    verify, release, serve); ValueError for anything else."""
    bare = version.removeprefix("v") if isinstance(version, str) else ""
    if not _SEMANTIC.fullmatch(bare):
        raise ValueError(f"{version!r} is not a version: give MAJOR.MINOR.PATCH, e.g. 1.0.0 (or v1.0.0)")
    return bare


def _citation_text(version: str, released: str) -> str:
    return (
        f"alliance-data contributors ({year(released)}). alliance-data: the claims of “Iran And Russia: A Deepening "
        f"Alliance” (version {version}) [dataset]. {where_published()}. Source article: Jhon Lennon, “Iran And Russia: "
        f"A Deepening Alliance”, URL and date unknown."
    )


def citation(version: str = __version__, released: str = RELEASED) -> str:
    """How to cite `version` ('2.0.0' or 'v2.0.0'), released on `released`: the text alone.
    `alliance_data.citation` checks that the version exists."""
    return _citation_text(bare_version(version), released)


# Stated wherever the source text ships (package, release, Datasette, article page).
SOURCE_TEXT_STATUS = (
    "The source text is the author's (Jhon Lennon), not the dataset's: it is not under the dataset's "
    "CC-BY-4.0 licence and is included unchanged, byte for byte, only so that every quote can be "
    "verified against it."
)
