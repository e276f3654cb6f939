"""The citation of a version as a BibTeX entry (Croissant's `citeAs`, the dataset card): the
same facts as `about.citation()`, with the URL and DOI only once `about.py` has them."""

from __future__ import annotations

from .. import about


def bibtex_key(version: str) -> str:
    return f"alliance_data_{about.bare_version(version).replace('.', '_')}"


def bibtex(version: str = about.__version__, released: str = about.RELEASED) -> str:
    version = about.bare_version(version)
    fields = {
        # Double braces keep the group's name one entity, not a first and last name.
        "author": "{alliance-data contributors}",
        "title": "{alliance-data: the claims of “Iran And Russia: A Deepening Alliance”}",
        "year": about.year(released),
        "version": version,
        "howpublished": "Dataset",
    }
    if about.PUBLIC_BASE_URL:
        fields["url"] = about.PUBLIC_BASE_URL
    if about.DOI:
        fields["doi"] = about.DOI
    missing = [name for name, value in (("URL", about.PUBLIC_BASE_URL), ("DOI", about.DOI)) if not value]
    note = "Source article: Jhon Lennon, “Iran And Russia: A Deepening Alliance”, URL and date unknown."
    if missing:
        note = f"No public {' or '.join(missing)} yet. " + note
    fields["note"] = note
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
    return f"@misc{{{bibtex_key(version)},\n{body}\n}}"
