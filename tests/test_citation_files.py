"""How the dataset is cited and identified: CITATION.cff read by cffconvert (the Citation File
Format's own converter, in its own environment made by `bash scripts/test`), the BibTeX entry,
Zenodo's metadata, no address the dataset does not have, and `python -m tools.identity`, which sets
the address and the DOI at publication without touching a published release."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from alliance_data import about
from alliance_data.release.citation import CFF_FILE, ZENODO_FILE, bibtex, bibtex_key, citation_cff, zenodo
from conftest import ROOT

CFFCONVERT = ROOT / ".venv-cffconvert" / "bin" / "cffconvert"
# The address release 2.0.0 and before cited, which does not exist.
NO_SUCH_ADDRESS = "github.com/alliance-data"
ABOUT = ROOT / "src" / "alliance_data" / "about.py"


def cffconvert(*arguments: str) -> subprocess.CompletedProcess:
    if not CFFCONVERT.is_file():
        pytest.fail(f"cffconvert is not installed at {CFFCONVERT}: bash scripts/test makes its environment")
    return subprocess.run([str(CFFCONVERT), *arguments], capture_output=True, text=True, timeout=120)


def test_cffconvert_validates_the_citation_file():
    completed = cffconvert("--validate", "-i", str(ROOT / CFF_FILE))
    assert completed.returncode == 0, completed.stderr
    assert "valid according to schema version 1.2.0" in completed.stdout


def test_cffconvert_check_can_fail(tmp_path):
    broken = citation_cff()
    broken["preferred-citation"]["type"] = "not-a-type"
    (tmp_path / CFF_FILE).write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    assert cffconvert("--validate", "-i", str(tmp_path / CFF_FILE)).returncode != 0


def test_cffconvert_bibtex_names_the_dataset_and_no_address_we_do_not_have():
    completed = cffconvert("-f", "bibtex", "-i", str(ROOT / CFF_FILE))
    assert completed.returncode == 0, completed.stderr
    entry = completed.stdout
    assert f"title = {{{about.TITLE}}}" in entry and f"year = {{{about.year()}}}" in entry
    assert NO_SUCH_ADDRESS not in entry and "url = " not in entry


def test_preferred_citation_carries_the_version():
    cff = yaml.safe_load((ROOT / CFF_FILE).read_text(encoding="utf-8"))
    preferred = cff["preferred-citation"]
    assert preferred["version"] == about.__version__ == cff["version"]
    assert preferred["type"] == "data" and preferred["authors"] == [{"name": "alliance-data contributors"}]
    assert preferred["year"] == int(about.year())
    assert preferred["notes"] == "No public URL or DOI yet."


def test_bibtex_has_a_real_key_the_version_and_one_author():
    entry = bibtex()
    match = re.fullmatch(r"@misc\{(?P<key>[A-Za-z0-9_:-]+),\n(?P<fields>(  \w+ = \{.*\},?\n)+)\}\n", entry)
    assert match, entry
    assert match["key"] == bibtex_key() != "YourReferenceHere" and about.__version__.replace(".", "_") in match["key"]
    fields = dict(re.findall(r"  (\w+) = \{(.*)\},?\n", match["fields"]))
    # Double braces: BibTeX keeps the entity one name instead of "contributors, alliance-data".
    assert fields["author"] == "{alliance-data contributors}"
    assert fields["version"] == about.__version__ and fields["year"] == about.year()
    assert "No public URL or DOI yet." in fields["note"] and "url" not in fields and "doi" not in fields


def test_zenodo_has_language_and_the_source_article():
    content = json.loads((ROOT / ZENODO_FILE).read_text(encoding="utf-8"))
    assert content == zenodo()
    assert content["language"] == "eng"
    [reference] = content["references"]
    assert "Jhon Lennon" in reference and "Iran And Russia: A Deepening Alliance" in reference
    assert "related_identifiers" not in content and "doi" not in content


def test_the_citation_says_there_is_no_url_or_doi_yet():
    assert about.PUBLIC_BASE_URL is None and about.DOI is None
    assert "No public URL or DOI yet." in about.citation()
    assert about.resource_iri("sources/irda.txt").startswith("urn:uuid:")


def test_no_address_we_do_not_have_is_written():
    """Neither the code nor the files it generates name the address; only published releases and
    their index keep the citation they were published with."""
    paths = [*(ROOT / "src").rglob("*.py"), *(ROOT / "tools").rglob("*.py")]
    paths += [ROOT / CFF_FILE, ROOT / ZENODO_FILE, ROOT / "docs" / "index.md", ROOT / "docs" / "formats.md"]
    naming = [str(path.relative_to(ROOT)) for path in paths if NO_SUCH_ADDRESS in path.read_text(encoding="utf-8")]
    assert naming == []


def test_iris_are_name_based_and_keep_the_fragment():
    first, again = (
        about.resource_iri("annotations.jsonld#irda-s0-001", "3.0.0"),
        about.resource_iri("annotations.jsonld#irda-s0-001", "3.0.0"),
    )
    assert first == again and first.endswith("#irda-s0-001")
    assert first.split("#")[0] == about.resource_iri("annotations.jsonld", "3.0.0")
    assert about.resource_iri("annotations.jsonld", "2.0.0") != about.resource_iri("annotations.jsonld", "3.0.0")


# python -m tools.identity


def load_about(path: Path):
    spec = importlib.util.spec_from_file_location("about_copy", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def digest(folder: Path) -> str:
    sha = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            sha.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    return sha.hexdigest()


def test_identity_sets_the_address_and_doi_in_about_and_touches_no_release(tmp_path, capsys):
    from tools.identity import main

    copy = tmp_path / "about.py"
    copy.write_text(ABOUT.read_text(encoding="utf-8"), encoding="utf-8")
    before = digest(ROOT / "releases")
    arguments = ["--base-url", "https://example.org/alliance-data/", "--doi", "https://doi.org/10.5281/zenodo.123"]
    assert main([*arguments, "--no-regenerate"], about=copy) == 0
    assert digest(ROOT / "releases") == before
    module = load_about(copy)
    assert module.PUBLIC_BASE_URL == "https://example.org/alliance-data" and module.DOI == "10.5281/zenodo.123"
    assert (
        module.resource_iri("sources/irda.txt", "3.0.0") == "https://example.org/alliance-data/v3.0.0/sources/irda.txt"
    )
    assert "https://doi.org/10.5281/zenodo.123. https://example.org/alliance-data." in module.citation("3.0.0")
    # Only the two settings changed; run again, nothing changes.
    original = ABOUT.read_text(encoding="utf-8").splitlines()
    changed = [line for line in copy.read_text(encoding="utf-8").splitlines() if line not in original]
    assert len(changed) == 2
    assert main([*arguments, "--no-regenerate"], about=copy) == 0
    assert "already set" in capsys.readouterr().out
    # And '' unsets them again.
    assert main(["--base-url", "", "--doi", "", "--no-regenerate"], about=copy) == 0
    assert copy.read_text(encoding="utf-8") == ABOUT.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "arguments",
    [[], ["--base-url", "http://example.org"], ["--base-url", "example.org"], ["--doi", "zenodo.123"]],
)
def test_identity_refuses_what_is_not_an_address_or_a_doi(arguments, tmp_path, capsys):
    from tools.identity import main

    copy = tmp_path / "about.py"
    copy.write_text(ABOUT.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        main([*arguments, "--no-regenerate"], about=copy)
    assert stopped.value.code == 2
    assert "Traceback" not in capsys.readouterr().err
    assert copy.read_text(encoding="utf-8") == ABOUT.read_text(encoding="utf-8")


def test_with_an_address_and_a_doi_cffconvert_still_validates(tmp_path, monkeypatch):
    monkeypatch.setattr(about, "PUBLIC_BASE_URL", "https://example.org/alliance-data")
    monkeypatch.setattr(about, "DOI", "10.5281/zenodo.123")
    cff = citation_cff()
    preferred = cff["preferred-citation"]
    assert preferred["doi"] == cff["doi"] == "10.5281/zenodo.123" and "notes" not in preferred
    (tmp_path / CFF_FILE).write_text(yaml.safe_dump(cff, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert cffconvert("--validate", "-i", str(tmp_path / CFF_FILE)).returncode == 0
    entry = cffconvert("-f", "bibtex", "-i", str(tmp_path / CFF_FILE)).stdout
    assert "doi = {10.5281/zenodo.123}" in entry and "url = {https://example.org/alliance-data}" in entry
    assert "doi = {10.5281/zenodo.123}" in bibtex() and "No public URL" not in about.citation()
