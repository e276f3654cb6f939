"""Set the dataset's public address and DOI at publication, the one time they become known:

    python -m tools.identity --base-url https://example.org/alliance-data --doi 10.5281/zenodo.123456

It rewrites the two settings of src/alliance_data/about.py (PUBLIC_BASE_URL, DOI), then
regenerates what cites them: the citation files and docs/index.md (tools/citation_files.py),
the packaged build (tools.package), the documentation pages (tools.docs) and the figures
(tools.figures). Releases already published are never re-cut or touched: their files keep the
`urn:uuid:` IRIs and the citation they were published with. The next release cut uses the
address and the DOI. Give only the one you have; `--base-url ""` or `--doi ""` unsets one.

Exit codes: 0 done, 1 about.py could not be rewritten or a regeneration failed, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
ABOUT = ROOT / "src" / "alliance_data" / "about.py"
# The settings as about.py writes them, one line each.
SETTING = {
    "PUBLIC_BASE_URL": re.compile(r"^PUBLIC_BASE_URL: str \| None = .*$", re.MULTILINE),
    "DOI": re.compile(r"^DOI: str \| None = .*$", re.MULTILINE),
}
# A DOI is "10." + a registrant code + "/" + a suffix (ISO 26324); given bare, not as a URL.
DOI_SYNTAX = re.compile(r"10\.\d{4,9}/\S+")
# What cites the address or the DOI, regenerated after the settings change (none writes releases/).
REGENERATE = (
    ["tools/citation_files.py"],
    ["-m", "tools.package"],
    ["-m", "tools.docs"],
    ["-m", "tools.figures"],
)


class UsageError(ValueError):
    """A value that cannot be an address or a DOI."""


def checked_base_url(url: str) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
        raise UsageError(
            f"--base-url {url!r} is not an https address without query or fragment: give where the "
            "releases are served, e.g. https://example.org/alliance-data"
        )
    return url.rstrip("/")


def checked_doi(doi: str) -> str | None:
    if not doi:
        return None
    bare = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", doi, flags=re.IGNORECASE)
    if not DOI_SYNTAX.fullmatch(bare):
        raise UsageError(f"--doi {doi!r} is not a DOI: give it as 10.<registrant>/<suffix>, e.g. 10.5281/zenodo.123456")
    return bare


def with_settings(source: str, values: dict[str, str | None]) -> str:
    """about.py's text with each given setting rewritten; ValueError if a setting line is missing."""
    for name, value in values.items():
        pattern = SETTING[name]
        if len(pattern.findall(source)) != 1:
            raise ValueError(f"about.py has no single `{name}: str | None = …` line to rewrite")
        source = pattern.sub(f"{name}: str | None = {value!r}", source)
    return source


def set_identity(values: dict[str, str | None], about: Path = ABOUT) -> bool:
    """Rewrite the settings in `about` (atomically); True if anything changed."""
    old = about.read_text(encoding="utf-8")
    new = with_settings(old, values)
    if new == old:
        return False
    staging = about.with_name(about.name + ".tmp")
    staging.write_text(new, encoding="utf-8")
    staging.replace(about)
    return True


def regenerate() -> int:
    for arguments in REGENERATE:
        print(f"running python {' '.join(arguments)}", file=sys.stderr)
        if subprocess.run([sys.executable, *arguments], cwd=ROOT).returncode != 0:
            print(f"tools.identity: `python {' '.join(arguments)}` failed; fix it and run it again", file=sys.stderr)
            return 1
    return 0


def main(argv: list[str] | None = None, about: Path = ABOUT) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.identity", description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="the https address the releases are served from ('' unsets it)")
    parser.add_argument("--doi", help="the DOI minted for the dataset, 10.<registrant>/<suffix> ('' unsets it)")
    parser.add_argument("--no-regenerate", action="store_true", help="only rewrite about.py")
    arguments = parser.parse_args(argv)
    if arguments.base_url is None and arguments.doi is None:
        parser.error("give --base-url, --doi or both")
    try:
        values = {}
        if arguments.base_url is not None:
            values["PUBLIC_BASE_URL"] = checked_base_url(arguments.base_url)
        if arguments.doi is not None:
            values["DOI"] = checked_doi(arguments.doi)
    except UsageError as error:
        parser.error(str(error))
    try:
        changed = set_identity(values, about)
    except (OSError, ValueError) as error:
        print(f"tools.identity: {about}: {error}", file=sys.stderr)
        return 1
    print(f"{'set' if changed else 'already set'} in {about}: " + ", ".join(f"{k} = {v!r}" for k, v in values.items()))
    return 0 if arguments.no_regenerate else regenerate()


if __name__ == "__main__":
    sys.exit(main())
