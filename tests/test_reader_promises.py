"""Small promises to a new reader: a version reads the same way everywhere ('v1.0.0' is
'1.0.0'), a citation exists only for a version that does, `release` refuses a version that is
not one before validating anything, `show | head` is not a data problem, and the examples say
what they mean (no 'nan', only relations that lead somewhere, the R script's usage)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

import alliance_data
from alliance_data.about import bare_version
from alliance_data.codebook.vocabulary import LEADS_TO
from alliance_data.release.trust import ReleaseNotFound, parse_version
from conftest import ROOT

CLI = [sys.executable, "-m", "alliance_data.cli"]


@pytest.mark.parametrize("given", ["1.0.0", "v1.0.0", "2.0.0", "v2.0.0"])
def test_a_version_with_or_without_v_is_the_same_version_everywhere(given):
    assert bare_version(given) == parse_version(given) == given.removeprefix("v")
    assert alliance_data.citation(given) == alliance_data.citation(given.removeprefix("v"))


def test_the_installed_version_loads_with_its_v():
    with_v = alliance_data.load("claims", version=f"v{alliance_data.__version__}")
    assert with_v.equals(alliance_data.load("claims"))


@pytest.mark.parametrize("given", ["2.1", "v2", "latest", "../v1.0.0", "1.0.0.0"])
def test_what_is_not_a_version_is_refused_the_same_way_everywhere(given):
    with pytest.raises(ValueError) as by_load:
        alliance_data.load("claims", version=given)
    with pytest.raises(ReleaseNotFound) as by_verify:
        parse_version(given)
    with pytest.raises(ValueError) as by_citation:
        alliance_data.citation(given)
    assert str(by_load.value) == str(by_verify.value) == str(by_citation.value)


def test_a_citation_is_only_given_for_a_version_that_exists():
    with pytest.raises(alliance_data.reader.remote.ReleaseFetchError, match=r"9\.9\.9"):
        alliance_data.citation("9.9.9")
    assert f"(version {alliance_data.__version__})" in alliance_data.citation()


def test_release_refuses_a_version_that_is_not_one_before_validating(tmp_path):
    # A data directory that does not exist: validating first would report that instead.
    result = subprocess.run(
        [*CLI, "release", "2.1", str(tmp_path / "no-data"), "--releases", str(tmp_path / "releases")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 2, result.stderr
    assert "'2.1' is not a version" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "releases").exists()


def test_show_into_a_closed_pipe_exits_0_quietly():
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first row, as after `| head` has read enough
    try:
        result = subprocess.run([*CLI, "show", "claims"], stdout=write_end, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    finally:
        os.close(write_end)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "Error" not in result.stderr


def run_example(name: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / name)], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return result.stdout


def test_risks_say_what_they_endanger_in_words_never_nan():
    out = run_example("risks.py")
    endangers = [line for line in out.splitlines() if "endangers:" in line]
    assert endangers and not any("nan" in line.split("endangers:")[1] for line in endangers)
    assert any("nothing the text names" in line for line in endangers)


def test_what_follows_from_sanctions_walks_only_relations_that_lead_somewhere():
    import runpy

    table = runpy.run_path(str(ROOT / "examples" / "what_follows_from_sanctions.py"))["consequences"]()
    assert set(table.relation) <= {relation.value for relation in LEADS_TO}
    out = run_example("what_follows_from_sanctions.py")
    for relation in LEADS_TO:
        assert f"{relation.value}: {relation.description}" in out


def test_the_r_example_without_a_release_says_what_it_needs(tmp_path):
    rscript = shutil.which("Rscript")
    assert rscript, "Rscript is missing: run the tests with bash scripts/test, which installs R and its packages"
    script = ROOT / "examples" / "r" / "read_release.R"
    result = subprocess.run([rscript, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert result.returncode == 2
    assert "is not a release directory" in result.stderr and "usage: Rscript" in result.stderr
    assert "RSQLite" not in result.stderr and "Error in" not in result.stderr
