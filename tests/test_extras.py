"""The base install loads every table and runs the reading commands; everything else is an extra,
and whatever needs a missing one names it in one line. The extras' table (extras.py), the
declared dependencies (pyproject.toml) and the imports of src/ agree.

The base install is `.venv-base`, which `scripts/test` makes from the locked versions of the
base dependencies (`pip install -c requirements.lock -e .`): no test reaches the network.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tomllib
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from click.testing import CliRunner
from packaging.requirements import Requirement

import alliance_data
from alliance_data import extras
from alliance_data.cli import main
from alliance_data.extras import BASE, EXTRAS, INCLUDES, MissingExtra, require
from conftest import ROOT

BASE_VENV = ROOT / ".venv-base"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
PACKAGE = Path(alliance_data.__file__).parent
# The commands that need an extra, each with arguments that would otherwise let it run.
COMMANDS_NEEDING = [
    (["validate"], "curate"),
    (["anchor", str(ROOT / "data" / "sources" / "irda.txt"), "Iran"], "curate"),
    (["coverage"], "curate"),
    (["reliability"], "curate"),
    (["build", "--out", "built"], "curate"),
    (["release", "9.9.9"], "curate"),
    (["diff", "1.0.0", "2.0.0"], "curate"),
    # verify re-derives each schema from the models and compares every format's rows (pydantic)
    (["verify", "2.0.0"], "curate"),
    (["serve", "--port", "9"], "serve"),
    (["figures", "--out", "figures"], "figures"),
]
# What the reader does, run in an install; prints what it got, to compare between installs.
READER = """
import json, alliance_data as ad
out = {"tables": ad.tables(), "citation": ad.citation()}
out["rows"] = {name: len(ad.load(name)) for name in ad.tables()}
out["attrs"] = ad.load("claims").attrs
out["described"] = {name: ad.describe(name)["column"].tolist() for name in ad.tables()}
out["all"] = {name: len(frame) for name, frame in ad.load_all().items()}
out["source"] = len(ad.source_text("irda"))
out["database"] = ad.database_path().endswith("alliance.db")
print(json.dumps(out, sort_keys=True))
"""


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(extra: str | None = None) -> list[Requirement]:
    """The requirements of the base install (None) or of one extra, as pyproject.toml declares them."""
    lines = PYPROJECT["dependencies"] if extra is None else PYPROJECT["optional-dependencies"][extra]
    return [Requirement(line) for line in lines]


def distributions(extra: str | None = None) -> set[str]:
    """The distributions an extra names directly (not the extras it includes)."""
    return {normalised(r.name) for r in requirements(extra) if normalised(r.name) != "alliance-data"}


def included(extra: str) -> set[str]:
    return {e for r in requirements(extra) if normalised(r.name) == "alliance-data" for e in r.extras}


@cache
def installed_distributions() -> dict[str, list[str]]:
    """Each importable top-level module's distributions in the test environment (one scan of
    every installed distribution's files: the environment does not change during a run)."""
    return packages_distributions()


def distribution_of(module: str) -> str:
    found = installed_distributions().get(module)
    assert found, f"{module} is not installed in the test environment, so its distribution is unknown"
    return normalised(found[0])


@cache
def third_party_imports() -> dict[str, set[str]]:
    """Every top-level third-party module imported anywhere in src/, with the files importing it."""
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "alliance_data":
                    found.setdefault(top, set()).add(str(path.relative_to(PACKAGE)))
    return found


# The table, the declarations and the imports agree.


def test_every_third_party_import_in_src_is_declared_in_the_base_or_an_extra():
    provided = set(BASE).union(*EXTRAS.values())
    undeclared = {module: sorted(files) for module, files in third_party_imports().items() if module not in provided}
    assert not undeclared, f"imported but in no extra (add it to extras.py and pyproject.toml): {undeclared}"


def test_the_table_of_extras_names_only_modules_src_imports():
    imported = set(third_party_imports())
    assert set(BASE).union(*EXTRAS.values()) <= imported


@pytest.mark.parametrize("extra", [None, *EXTRAS])
def test_pyproject_declares_what_the_table_lists(extra):
    modules = BASE if extra is None else EXTRAS[extra]
    assert {distribution_of(module) for module in modules} == distributions(extra), extra or "base"
    if extra is not None:
        assert included(extra) == set(INCLUDES.get(extra, ())), extra


def test_all_is_every_extra_and_the_tests_install_all():
    assert set(PYPROJECT["optional-dependencies"]) == {*EXTRAS, "all", "test"}
    assert included("all") == set(EXTRAS) and not distributions("all")
    assert "all" in included("test")


def test_every_declared_distribution_is_pinned_in_the_lock():
    pinned = {
        normalised(line.split("==")[0])
        for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.startswith("#")
    }
    declared = distributions().union(*(distributions(extra) for extra in PYPROJECT["optional-dependencies"]))
    assert declared - pinned == set(), "declared but not in requirements.lock"


BASE_PATH = """
import sys, json
from click.testing import CliRunner
import alliance_data as ad
from alliance_data.cli import main
for name in ad.tables():
    ad.load(name); ad.describe(name)
ad.load_all(); ad.source_text("irda"); ad.database_path(); ad.citation()
reader = {m.split(".")[0] for m in sys.modules}
for args in (["show"], ["describe", "claims"], ["releases"], ["--help"], ["--version"]):
    assert CliRunner().invoke(main, args).exit_code == 0, args
print(json.dumps({"reader": sorted(reader), "commands": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def test_the_base_dependencies_are_exactly_what_the_reader_and_reading_commands_import():
    # In the full environment, where every extra is installed: importing one would show here.
    result = subprocess.run([sys.executable, "-c", BASE_PATH], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.splitlines()[-1])
    declared = distributions().union(*(distributions(extra) for extra in EXTRAS))
    owners = packages_distributions()

    def declared_imports(modules: list[str]) -> set[str]:
        return {normalised(owners[m][0]) for m in modules if m in owners} & declared

    assert declared_imports(found["reader"]) <= distributions()
    assert declared_imports(found["commands"]) == distributions()


# require(): one line, naming the extra.


def test_require_names_the_extra_and_the_missing_module_of_a_partial_install(monkeypatch):
    monkeypatch.setitem(EXTRAS, "polars", ("polars", "no_such_module_for_this_test"))
    with pytest.raises(ImportError) as raised:
        require("polars", "load(backend='polars')")
    assert isinstance(raised.value, MissingExtra)
    assert str(raised.value) == (
        "load(backend='polars') needs the 'polars' extra (no_such_module_for_this_test not installed): "
        "pip install 'alliance-data[polars]'"
    )


def test_require_passes_when_the_extra_is_installed_and_refuses_an_unknown_one():
    for extra in EXTRAS:
        require(extra, "a test")
    with pytest.raises(ValueError, match="unknown extra 'curation'; the extras are: curate"):
        extras.modules_of("curation")


@pytest.mark.parametrize(("args", "extra"), COMMANDS_NEEDING, ids=[args[0] for args, _ in COMMANDS_NEEDING])
def test_a_command_whose_extra_is_missing_exits_2_before_it_starts(monkeypatch, tmp_path, args, extra):
    monkeypatch.setitem(EXTRAS, extra, (*EXTRAS[extra], "no_such_module_for_this_test"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert result.output == (
        f"error: alliance-data {args[0]} needs the {extra!r} extra (no_such_module_for_this_test not installed): "
        f"pip install 'alliance-data[{extra}]'\n"
    )
    assert list(tmp_path.iterdir()) == []


# The base install itself.


@pytest.fixture(scope="module")
def base_python() -> Path:
    python = BASE_VENV / "bin" / "python"
    if not python.exists():
        pytest.fail(
            f"{BASE_VENV} is missing: `bash scripts/test` makes it, or by hand: python3 -m venv .venv-base && "
            ".venv-base/bin/pip install -c requirements.lock -e ."
        )
    check = (
        "import json, importlib.util as u, alliance_data; from alliance_data.extras import BASE, EXTRAS; "
        "print(json.dumps({'package': alliance_data.__file__, 'base': [m for m in BASE if not u.find_spec(m)], "
        "'extras': sorted({m for ms in EXTRAS.values() for m in ms if u.find_spec(m)})}))"
    )
    result = subprocess.run([str(python), "-c", check], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout)
    assert Path(found["package"]).parent == PACKAGE, "the base install runs another copy of alliance_data"
    assert found["base"] == [], "the base install lacks base dependencies: rerun scripts/test"
    assert found["extras"] == [], "the base install has modules of extras: remake .venv-base"
    return python


def run_in(python: Path, code: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([str(python), "-c", code], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_the_base_install_loads_and_describes_every_table_as_the_full_one_does(base_python):
    base, full = run_in(base_python, READER), run_in(Path(sys.executable), READER)
    assert base.returncode == 0, base.stderr[-3000:]
    assert json.loads(base.stdout) == json.loads(full.stdout)
    assert json.loads(base.stdout)["rows"]["claims"] > 0


@pytest.mark.parametrize("args", [["show"], ["show", "actors", "--limit", "3"], ["describe", "claims"], ["releases"]])
def test_the_reading_commands_run_in_the_base_install(base_python, args):
    result = subprocess.run(
        [str(BASE_VENV / "bin" / "alliance-data"), *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip()


def test_every_command_has_help_and_the_version_in_the_base_install(base_python):
    code = (
        "from click.testing import CliRunner; from alliance_data.cli import main\n"
        "for args in [['--help'], ['--version'], *([name, '--help'] for name in main.commands)]:\n"
        "    result = CliRunner().invoke(main, args)\n"
        "    assert result.exit_code == 0 and result.output, (args, result.output)\n"
        "print(sorted(main.commands))"
    )
    result = run_in(base_python, code)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == str(sorted(main.commands))


@pytest.mark.parametrize(("args", "extra"), COMMANDS_NEEDING, ids=[args[0] for args, _ in COMMANDS_NEEDING])
def test_each_command_needing_an_extra_names_it_in_the_base_install(base_python, tmp_path, args, extra):
    result = subprocess.run(
        [str(BASE_VENV / "bin" / "alliance-data"), *args], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        f"error: alliance-data {args[0]} needs the {extra!r} extra: pip install 'alliance-data[{extra}]'\n"
    )
    assert list(tmp_path.iterdir()) == [], "a command that cannot run wrote something"


FUNCTIONS_NEEDING = [
    ("alliance_data.load('claims', backend='polars')", "polars", "load(backend='polars')"),
    ("alliance_data.load_all(backend='polars')", "polars", "load(backend='polars')"),
    ("import alliance_data.curation.validate", "curate", "alliance_data.curation"),
    ("import alliance_data.exports.sqlite", "curate", "alliance_data.exports"),
    ("import alliance_data.serving.metadata", "serve", "alliance_data.serving"),
    ("import alliance_data.distributed.validate", "spark", "alliance_data.distributed"),
    (
        "from alliance_data.rendering.figures import write_figures; write_figures({}, pathlib.Path('out'))",
        "figures",
        "write_figures",
    ),
]


@pytest.mark.parametrize(
    ("call", "extra", "feature"), FUNCTIONS_NEEDING, ids=[call for call, _, _ in FUNCTIONS_NEEDING]
)
def test_each_function_needing_an_extra_raises_an_import_error_naming_it(base_python, tmp_path, call, extra, feature):
    code = (
        "import pathlib, alliance_data\n"
        f"try:\n    {call}\n"
        "except ImportError as error:\n    print(type(error).__name__, error)\n"
        "else:\n    print('no error')"
    )
    result = run_in(base_python, code, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout == f"MissingExtra {feature} needs the {extra!r} extra: pip install 'alliance-data[{extra}]'\n"
    assert list(tmp_path.iterdir()) == []


def test_older_versions_download_in_the_base_install_with_no_extra(base_python, tmp_path):
    """load(version=…) needs no extra: the download is the standard library's. Pointed at a port
    nothing listens on, it fails as a download, never as a missing module, and caches nothing."""
    code = (
        "import alliance_data\n"
        "from alliance_data.reader.remote import ReleaseFetchError\n"
        "try:\n    alliance_data.load('claims', version='1.0.0', base_url='http://127.0.0.1:9')\n"
        "except ImportError as error:\n    print('import error', error)\n"
        "except ReleaseFetchError:\n    print('download failed')\n"
    )
    env = {**os.environ, "ALLIANCE_DATA_CACHE": str(tmp_path / "cache")}
    result = subprocess.run(
        [str(base_python), "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=300, env=env
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout == "download failed\n"
    assert not any((tmp_path / "cache").rglob("*.parquet"))


def test_the_readme_lists_every_extra_in_its_install_section():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Install\n", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`alliance-data\[(\w+)\]`", section))
    assert listed == {*EXTRAS, "all"}
