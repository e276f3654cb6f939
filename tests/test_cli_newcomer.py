"""The command line as a new user meets it: every table shows, usage mistakes are usage errors
with a suggestion, piped output is plain rows, counts agree, nothing imports pyspark it does
not need, and outside a clone the commands say what to pass. Also the README's test command,
which sets up a fresh machine itself."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import alliance_data
from alliance_data.cli import main
from conftest import ROOT, missing_tool

TERMINAL = {"TTY_COMPATIBLE": "1", "COLUMNS": "200"}  # rich then draws a table as on a terminal


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def tsv(output: str) -> list[list[str]]:
    return [line.split("\t") for line in output.splitlines()]


@pytest.mark.parametrize("table", alliance_data.tables())
@pytest.mark.parametrize("where", ["piped", "terminal"])
def test_every_table_shows(table, where):
    result = run("show", table, "--limit", "500", env=TERMINAL if where == "terminal" else None)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


def test_columns_with_missing_values_show_empty():
    result = run("show", "claims", "-c", "claim_id", "-c", "period_start", "-c", "hedge_note", "--limit", "500")
    assert result.exit_code == 0, result.output
    rows = tsv(result.stdout)
    assert rows[0] == ["claim_id", "period_start", "hedge_note"]
    claims = alliance_data.load("claims")
    assert len(rows) == 1 + len(claims)
    expected = ["" if value is pd.NA else str(value) for value in claims.period_start]
    assert [row[1] for row in rows[1:]] == expected
    assert "" in [row[1] for row in rows[1:]] and "<NA>" not in result.stdout and "nan" not in result.stdout


def test_piped_output_is_plain_tab_separated_rows_in_full():
    result = run("show", "claims", "-c", "claim_id", "-c", "statement", "--limit", "3")
    assert result.exit_code == 0, result.output
    rows = tsv(result.stdout)
    claims = alliance_data.load("claims")
    assert rows == [
        ["claim_id", "statement"],
        *([c, s] for c, s in zip(claims.claim_id[:3], claims.statement[:3], strict=True)),
    ]
    assert "─" not in result.stdout and "│" not in result.stdout
    assert claims.attrs["citation"] in result.stderr  # kept out of the rows


def test_piped_values_keep_one_line_per_row():
    from alliance_data.commands.tables import print_rows

    runner = CliRunner()
    with runner.isolation() as (out, _err, _):
        print_rows(["a", "b"], [["x\ty", "1\n2\\"]], title="t")
    assert out.getvalue().decode() == "a\tb\nx\\ty\t1\\n2\\\\\n"


def test_an_unknown_column_is_a_usage_error_naming_the_columns():
    result = run("show", "claims", "-c", "statment")
    assert result.exit_code == 2, result.output
    assert "unknown column 'statment' (did you mean 'statement'?)" in result.output
    assert "claim_id, source_id" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("limit", ["-1", "0"])
def test_a_limit_below_one_is_refused(limit):
    result = run("show", "--limit", limit)
    assert result.exit_code == 2 and "--limit" in result.output, result.output


@pytest.mark.parametrize("command", ["show", "describe"])
def test_a_mistyped_table_suggests_the_nearest(command):
    result = run(command, "claim")
    assert result.exit_code == 2, result.output
    assert "unknown table 'claim' (did you mean 'claims'?)" in result.output


def test_load_suggests_the_nearest_table():
    with pytest.raises(alliance_data.UnknownTableError, match=r"did you mean 'actor_pairs'\?"):
        alliance_data.load("actor_pair")


@pytest.mark.parametrize("where", ["piped", "terminal"])
def test_describe_prints_no_nan(where):
    result = run("describe", "claims", env=TERMINAL if where == "terminal" else None)
    assert result.exit_code == 0, result.output
    assert "nan" not in result.output.replace("nance", "")  # not the literal missing value
    assert "asserted, likely, possible, speculative" in result.output


@pytest.mark.slow  # a full build or coverage of the whole article
def test_validate_counts_every_table_as_build_does(tmp_path):
    result = run("validate", "--json")
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)["rows"]
    built = {entry["name"]: entry["rows"] for entry in alliance_data.reader.loading.manifest()["tables"]}
    assert counts == built and counts["actor_pairs"] > 0
    plain = run("validate")
    assert f"{built['actor_pairs']} actor_pairs" in plain.output


def need_pyspark() -> None:
    """pyspark is the `spark` extra, which the locked test environment installs."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        missing_tool("pyspark is missing: bash scripts/test installs requirements.lock, which has it")


@pytest.mark.slow
def test_no_command_but_the_spark_path_imports_pyspark(tmp_path):
    need_pyspark()
    script = f"""
import sys, warnings
warnings.simplefilter("error", FutureWarning)
from alliance_data.cli import main
for args in (["validate"], ["coverage"], ["diff", "1.0.0", "data"], ["build", "--out", {str(tmp_path / "b")!r}]):
    try:
        main(args, standalone_mode=False)
    except SystemExit as exit:
        assert not exit.code, (args, exit.code)
    assert "pyspark" not in sys.modules, (args, sorted(m for m in sys.modules if m.startswith("pyspark"))[:5])
print("no pyspark")
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0 and "no pyspark" in result.stdout, result.stderr[-3000:]
    assert "FutureWarning" not in result.stderr and "PySpark" not in result.stderr


@pytest.mark.slow
def test_the_spark_path_still_imports_pyspark_after_validation():
    """validate() keeps pyspark out while pandera loads, and lets it in again afterwards."""
    need_pyspark()
    script = """
import sys
from alliance_data.curation.validate import validate
validate("data")
assert "pyspark" not in sys.modules
from alliance_data.distributed.validate import spark_sql
import pyspark.sql
print(pyspark.sql.SparkSession.__module__, spark_sql("SELECT starts_with(a, b) FROM t"))
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "pyspark.sql.session SELECT STARTSWITH(a, b) FROM t" in result.stdout


# Outside a clone: no releases/ in the current directory.


def test_releases_outside_a_clone_lists_the_index_shipped_in_the_package(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("releases", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads((ROOT / "releases" / "index.json").read_text(encoding="utf-8"))
    assert "--releases DIR" in result.stderr
    explicit = run("releases", "--releases", str(tmp_path / "nowhere"))
    assert explicit.exit_code == 2 and "--releases DIR" in explicit.output


@pytest.mark.parametrize("args", [["verify", "1.0.0"], ["diff", "1.0.0", "1.0.0"]])
def test_verify_and_diff_outside_a_clone_say_what_to_pass(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "pass --releases DIR" in result.output and "Traceback" not in result.output


# The README's test command on a fresh machine.


def test_the_readme_test_command_is_scripts_test_and_ci_runs_it():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("# 2. ", 1)[1].split("```", 1)[0]
    assert [line for line in block.splitlines()[1:] if line.strip()] == ["bash scripts/test"]
    assert "bash scripts/test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


# What scripts/test runs once everything is installed, as its stand-in python logs it: the default
# tier, then the marked tiers one test at a time.
EVERY_TIER = ["python -m pytest", "python -m pytest -m browser or spark or r or slow -n 0"]


def _stub(directory: Path, name: str, body: str) -> None:
    path = directory / name
    path.write_text(f"#!/bin/bash\n{body}\n", encoding="utf-8")
    path.chmod(0o755)


def _installed_web_annotation_packages(clone: Path) -> None:
    """The pinned annotation libraries, as npm leaves them in .cache/web-annotation."""
    for package, version in (
        ("@recogito/text-annotator", "4.1.1"),
        ("@apache-annotator/dom", "0.2.0"),
        ("@apache-annotator/selector", "0.2.0"),
        ("jsdom", "29.1.1"),
    ):
        folder = clone / ".cache" / "web-annotation" / "node_modules" / package
        folder.mkdir(parents=True)
        (folder / "package.json").write_text(f'{{\n  "name": "{package}",\n  "version": "{version}"\n}}\n')


@pytest.mark.parametrize("user", ["root", "someone"])
def test_scripts_test_sets_up_a_fresh_machine_then_runs_pytest(tmp_path, user):
    # A fresh machine: no chromium, chromedriver or java on PATH, no .venv. apt-get, sudo and
    # python3 are stand-ins that record what they are asked to do.
    clone = tmp_path / "clone"
    (clone / "scripts").mkdir(parents=True)
    (clone / "scripts" / "test").write_bytes((ROOT / "scripts" / "test").read_bytes())
    (clone / "requirements.lock").write_text("", encoding="utf-8")
    bin_dir, log = tmp_path / "bin", tmp_path / "log"
    bin_dir.mkdir()
    for tool in ("bash", "dirname", "mkdir", "cp", "mktemp", "cat", "grep", "rm"):
        os.symlink(subprocess.check_output(["bash", "-c", f"command -v {tool}"], text=True).strip(), bin_dir / tool)
    _stub(bin_dir, "id", f"echo {0 if user == 'root' else 1000}")
    _stub(bin_dir, "sudo", f'echo "sudo $*" >> {log}; "$@"')
    installed = tmp_path / "installed-by-apt"  # npm, there once apt-get installed it
    installed.mkdir()
    _stub(installed, "npm", f'echo "npm $*" >> {log}')
    apt_get = f'echo "apt-get $*" >> {log}; if [ "$1" = install ]; then cp {installed}/* {bin_dir}/; fi'
    _stub(bin_dir, "apt-get", apt_get)
    templates = tmp_path / "venv-bin"  # what `python3 -m venv` puts in a venv's bin/
    templates.mkdir()
    _stub(templates, "pip", f'echo "pip $*" >> {log}')
    # The venv's python makes the Datasette environment without the package (.venv-plain).
    _stub(
        templates,
        "python",
        f'echo "python $*" >> {log}; '
        f'if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin"; cp {templates}/* "$3/bin/"; fi',
    )
    # Debian's python3 without python3-venv: no ensurepip, so no virtual environment.
    _stub(
        bin_dir,
        "python3",
        f'echo "python3 $*" >> {log}; if [ "$1" = -c ]; then exit 1; fi; '
        # `python3 -m venv DIR` makes DIR/bin (.venv, then the base install's .venv-base)
        f'mkdir -p "${{@: -1}}/bin"; cp {templates}/* "${{@: -1}}/bin/"',
    )
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path)}
    result = subprocess.run(
        [str(bin_dir / "bash"), "scripts/test", "-x", "tests/test_cli.py"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    steps = log.read_text(encoding="utf-8").splitlines()
    sudo = "sudo " if user != "root" else ""
    install = [s for s in steps if "apt-get install" in s and not s.startswith("sudo")]
    packages = ["chromium", "chromium-driver", "openjdk-17-jre-headless", "r-base-core"]
    packages += ["r-cran-readr", "r-cran-rsqlite", "r-cran-haven", "python3-venv", "npm"]
    assert len(install) == 1 and install[0].split()[-len(packages) :] == packages
    assert f"{sudo}apt-get update -q" in steps
    assert ("sudo apt-get install" in " ".join(steps)) == (user != "root")
    ordered = [s for s in steps if not s.startswith("sudo")]
    # Everything a test needs is installed before pytest starts; then every tier of the tests asked
    # for runs (-m ""), in one process.
    assert ordered[-15:] == [
        "python3 -m venv .venv",
        "pip install -q -r requirements.lock",
        "pip install -q --no-deps -e .",
        "python3 -m venv .venv-datasette1",
        "pip install -q -r requirements-datasette1.lock",
        "pip install -q --no-deps -e .",
        "npm install --no-save --no-audit --no-fund --prefix .cache axe-core@4.11.4",
        "python -m venv .venv-plain",
        "pip install -q -c requirements.lock datasette",
        "npm install --no-save --no-audit --no-fund --prefix .cache/web-annotation "
        "@recogito/text-annotator@4.1.1 @apache-annotator/dom@0.2.0 @apache-annotator/selector@0.2.0 jsdom@29.1.1",
        "python3 -m venv .venv-cffconvert",
        "pip install -q -r requirements-cffconvert.lock",
        "python3 -m venv .venv-base",
        "pip install -q -c requirements.lock -e .",
        "python -m pytest -m  -n 0 -x tests/test_cli.py",
    ]
    assert ordered.index("apt-get update -q") < ordered.index("python3 -m venv .venv")


def test_scripts_test_installs_nothing_already_there(tmp_path):
    clone = tmp_path / "clone"
    (clone / "scripts").mkdir(parents=True)
    (clone / "scripts" / "test").write_bytes((ROOT / "scripts" / "test").read_bytes())
    bin_dir, log = tmp_path / "bin", tmp_path / "log"
    bin_dir.mkdir()
    for tool in ("bash", "dirname"):
        os.symlink(subprocess.check_output(["bash", "-c", f"command -v {tool}"], text=True).strip(), bin_dir / tool)
    for present in ("chromium", "chromedriver", "java", "id", "Rscript"):
        _stub(bin_dir, present, "echo 0")
    _stub(bin_dir, "npm", f'echo "npm $*" >> {log}')
    _stub(bin_dir, "node", "echo 4.11.4")  # the axe-core installed in .cache/ is the pinned one
    _stub(bin_dir, "apt-get", f'echo "apt-get $*" >> {log}')
    for venv in (".venv", ".venv-datasette1", ".venv-plain", ".venv-cffconvert", ".venv-base"):
        (clone / venv / "bin").mkdir(parents=True)
        for tool in ("python", "pip", "cffconvert"):
            _stub(clone / venv / "bin", tool, f'echo "{tool} $*" >> {log}')
    _installed_web_annotation_packages(clone)
    result = subprocess.run(
        [str(bin_dir / "bash"), "scripts/test"], cwd=clone, env={"PATH": str(bin_dir)}, capture_output=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    steps = log.read_text(encoding="utf-8").splitlines()
    assert not [s for s in steps if s.startswith(("apt-get", "npm"))]
    assert steps[-2:] == EVERY_TIER


def test_scripts_test_runs_the_default_tier_then_every_marked_tier():
    # The default tier as pyproject.toml selects it (on every core), then exactly the tests it leaves out.
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    addopts = pyproject["tool"]["pytest"]["ini_options"]["addopts"]
    left_out = re.search(r'-m "not \((.+?)\)"', addopts).group(1)
    assert EVERY_TIER[0] == "python -m pytest" and " -n auto" in addopts
    assert EVERY_TIER[1] == f"python -m pytest -m {left_out} -n 0"


@pytest.mark.parametrize("held_for", [2, "ever"])
def test_scripts_test_waits_for_the_apt_lock_another_apt_get_holds(tmp_path, held_for):
    # A fresh machine running its own apt-get: the lock is held for two tries, or for good.
    clone = tmp_path / "clone"
    (clone / "scripts").mkdir(parents=True)
    (clone / "scripts" / "test").write_bytes((ROOT / "scripts" / "test").read_bytes())
    bin_dir, log, tries = tmp_path / "bin", tmp_path / "log", tmp_path / "tries"
    bin_dir.mkdir()
    for tool in ("bash", "dirname", "mktemp", "cat", "grep", "rm", "wc"):
        os.symlink(subprocess.check_output(["bash", "-c", f"command -v {tool}"], text=True).strip(), bin_dir / tool)
    _stub(bin_dir, "id", "echo 0")
    _stub(bin_dir, "sleep", f'echo "sleep $*" >> {log}')  # the waits, without waiting
    held = "true" if held_for == "ever" else f"[ $(cat {tries} | wc -l) -le {held_for} ]"
    _stub(
        bin_dir,
        "apt-get",
        f'echo "apt-get $*" >> {log}; echo x >> {tries}; if {held}; then '
        'echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt-get)" >&2; '
        "exit 100; fi",
    )
    for present in ("chromedriver", "java", "Rscript", "npm", "python3"):  # chromium is missing
        _stub(bin_dir, present, "exit 0")
    for venv in (".venv", ".venv-datasette1", ".venv-plain", ".venv-cffconvert", ".venv-base"):
        (clone / venv / "bin").mkdir(parents=True)
        for tool in ("python", "pip", "cffconvert"):
            _stub(clone / venv / "bin", tool, f'echo "{tool} $*" >> {log}')
    _installed_web_annotation_packages(clone)
    _stub(bin_dir, "node", "echo 4.11.4")
    result = subprocess.run(
        [str(bin_dir / "bash"), "scripts/test"], cwd=clone, env={"PATH": str(bin_dir)}, capture_output=True, timeout=60
    )
    steps = log.read_text(encoding="utf-8").splitlines()
    waits = [step for step in steps if step == "sleep 30"]
    stderr = result.stderr.decode()
    assert "another apt-get or dpkg holds the lock; waiting (0 s of 600 s)" in stderr
    if held_for == "ever":
        assert result.returncode != 0 and len(waits) == 20  # 10 minutes, then it gives up
        assert not [step for step in steps if "pytest" in step]
    else:
        assert result.returncode == 0, stderr
        assert len(waits) == held_for and steps[-2:] == EVERY_TIER
