"""The package a user installs holds every module: the wheel is built from what git tracks and
does not ignore, so a module outside git, or a folder an ignore rule hides (a `build/` rule once
hid `alliance_data/build/`), would install a package that fails on import."""

from __future__ import annotations

import subprocess

from conftest import ROOT

PACKAGE = ROOT / "src" / "alliance_data"
# Loaded by Datasette as a plugins directory (`--plugins-dir`), one module at a time: not a package.
NOT_PACKAGES = {PACKAGE / "serving" / "plugins_dir"}


def test_every_folder_of_modules_is_a_package():
    folders = {path.parent for path in PACKAGE.rglob("*.py") if "__pycache__" not in path.parts}
    missing = sorted(str(f.relative_to(ROOT)) for f in folders - NOT_PACKAGES if not (f / "__init__.py").is_file())
    assert not missing, f"folders of modules without __init__.py: {missing}"


def test_no_file_of_the_package_is_ignored_or_untracked():
    files = sorted(str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", "--stdin"],
        input="\n".join(files),
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.split()
    assert not ignored, f"files of the package that git ignores (so the wheel leaves them out): {ignored}"
    tracked = set(subprocess.run(["git", "ls-files", "src"], capture_output=True, text=True, cwd=ROOT).stdout.split())
    untracked = [f for f in files if f not in tracked]
    assert not untracked, f"files of the package that git does not track: {untracked}"


def test_nothing_the_repository_ignores_is_committed():
    """A local environment or cache committed by mistake (a venv made before its ignore rule)
    would ship to every clone and shadow what scripts/test installs."""
    committed = subprocess.run(
        ["git", "ls-files", "--cached", "--ignored", "--exclude-standard"], capture_output=True, text=True, cwd=ROOT
    ).stdout.split()
    assert not committed, f"committed although .gitignore ignores them: {committed[:10]}"
