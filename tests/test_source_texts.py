"""The source text travels with the data: in the build, the package and every release, byte for
byte, checksummed, with its status stated; `alliance_data.source_text` verifies it."""

from __future__ import annotations

import hashlib
import html
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import alliance_data
from alliance_data import about
from alliance_data.build.pipeline import build
from alliance_data.reader import loading
from conftest import DATA

TEXT = (DATA / "sources" / "irda.txt").read_bytes()


def test_every_quote_checks_against_the_packaged_text():
    text = alliance_data.source_text("irda")
    assert text.encode("utf-8") == TEXT
    claims = alliance_data.load("claims")
    assert len(claims) > 100
    for claim in claims.itertuples():
        assert text[claim.char_start : claim.char_end] == claim.quote, claim.claim_id


def test_source_text_is_a_light_import():
    heavy = "{'pandas', 'pyarrow', 'pydantic', 'jinja2', 'datasette'}"
    code = f"import sys, alliance_data; alliance_data.source_text('irda'); print(sorted({heavy} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_an_unknown_source_names_the_known_ones():
    with pytest.raises(alliance_data.UnknownSourceError, match="irda"):
        alliance_data.source_text("nope")


def test_a_changed_packaged_text_is_refused(tmp_path, monkeypatch):
    packaged = Path(loading._resource("manifest.json")).parent
    copy = tmp_path / "alliance_data"
    shutil.copytree(packaged, copy / "data", ignore=shutil.ignore_patterns("*.db", "*.parquet"))
    target = copy / "data" / "sources" / "irda.txt"
    target.write_bytes(TEXT.replace(b"Iran", b"Iraq", 1))
    monkeypatch.setattr(loading, "files", lambda package: copy)
    loading.manifest.cache_clear()
    try:
        with pytest.raises(alliance_data.PackagedDataError, match="reinstall"):
            alliance_data.source_text("irda")
        target.unlink()
        with pytest.raises(alliance_data.PackagedDataError, match="reinstall"):
            alliance_data.source_text("irda")
    finally:
        loading.manifest.cache_clear()


def test_the_build_ships_the_text_in_its_manifest(tmp_path):
    out = build(DATA, tmp_path / "build", ("parquet",)).directory
    assert (out / "sources" / "irda.txt").read_bytes() == TEXT
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = manifest["source_texts"]
    assert entry["path"] == "sources/irda.txt" and entry["sha256"] == hashlib.sha256(TEXT).hexdigest()
    assert entry["status"] == about.SOURCE_TEXT_STATUS


def test_the_release_carries_text_and_article_checksummed_and_described(published):
    assert (published / "sources" / "irda.txt").read_bytes() == TEXT
    page = (published / "sources" / "irda.html").read_text(encoding="utf-8")
    assert about.SOURCE_TEXT_STATUS in html.unescape(page) and 'href="irda.txt"' in page
    sums = (published / "SHA256SUMS").read_text(encoding="utf-8")
    assert f"{hashlib.sha256(TEXT).hexdigest()}  sources/irda.txt" in sums
    assert "  sources/irda.html\n" in sums
    manifest = json.loads((published / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = manifest["source_texts"]
    assert entry["article"]["path"] == "sources/irda.html"
    resources = {r["path"]: r for r in json.loads((published / "datapackage.json").read_text())["resources"]}
    for path in ("sources/irda.txt", "sources/irda.html"):
        assert resources[path]["hash"] == "sha256:" + hashlib.sha256((published / path).read_bytes()).hexdigest()
        assert about.SOURCE_TEXT_STATUS in resources[path]["description"]
    from alliance_data.release.checksums import verify

    assert {"sources/irda.txt", "sources/irda.html"} <= set(verify(published))
