"""What each optional part of the package needs, and the one check that says which extra to install.

`pip install alliance-data` installs what loading the tables needs (pandas, pyarrow) and the
command line (click, rich). Everything else is an extra named by its job, declared in
pyproject.toml; `EXTRAS` lists the modules each one provides, so that a command or function can
check for them before it starts and name the extra in one line, instead of failing on an
import halfway through. tests/test_extras.py keeps this table and pyproject.toml in step.

Stdlib only, and cheap: a lookup of module specs, nothing is imported.
"""

from __future__ import annotations

from importlib.util import find_spec

from .problems import AllianceDataError

# The modules (as imported, not as distributed) that each extra installs.
EXTRAS: dict[str, tuple[str, ...]] = {
    # validate, build, coverage, reliability, anchor, diff, release
    "curate": (
        "apsw",
        "duckdb",
        "filelock",
        "jinja2",
        "markupsafe",
        "pandera",
        "pydantic",
        "pydantic_core",
        "xlsxwriter",
        "yaml",
    ),
    # serve: Datasette with the reader pages, metadata derived from the models
    "serve": ("datasette", "jinja2", "markupsafe", "pydantic", "pydantic_core", "uvicorn", "yaml"),
    # load(…, backend="polars")
    "polars": ("polars",),
    # alliance-data figures
    "figures": ("matplotlib",),
    # the table rules on Spark (alliance_data.distributed)
    "spark": ("pyspark", "sqlglot"),
}
# Extras that install others with them (pyproject.toml: "alliance-data[curate]"): the Spark path
# runs the same rules, defined with the curators' models.
INCLUDES: dict[str, tuple[str, ...]] = {"spark": ("curate",)}
# What the base install provides: the reader (pandas, pyarrow, and numpy, which both import), the
# command line (click, rich) and the reading of release versions (packaging).
BASE: tuple[str, ...] = ("click", "numpy", "packaging", "pandas", "pyarrow", "rich")


class MissingExtra(AllianceDataError, ImportError):
    """A feature whose extra is not installed: says which one, and how to install it."""

    exit_code = 2  # the install does not fit the command: a usage error, like click's


def install_hint(extra: str) -> str:
    return f"pip install 'alliance-data[{extra}]'"


def modules_of(extra: str) -> list[str]:
    """The modules `extra` installs, with those of the extras it includes."""
    if extra not in EXTRAS:
        raise ValueError(f"unknown extra {extra!r}; the extras are: {', '.join(EXTRAS)}")
    modules = [module for included in (*INCLUDES.get(extra, ()), extra) for module in EXTRAS[included]]
    return list(dict.fromkeys(modules))


def missing_modules(extra: str) -> list[str]:
    """The modules of `extra` (and of the extras it includes) that cannot be imported here."""
    return [module for module in modules_of(extra) if find_spec(module) is None]


def require(extra: str, feature: str) -> None:
    """Raise MissingExtra, naming `extra`, when `feature` (e.g. "alliance-data build") cannot run here."""
    missing = missing_modules(extra)
    if not missing:
        return
    # A partial install (one package removed or broken) says which; a base install just needs the extra.
    partly = len(missing) < len(modules_of(extra))
    detail = f" ({', '.join(missing)} not installed)" if partly else ""
    raise MissingExtra(f"{feature} needs the {extra!r} extra{detail}: {install_hint(extra)}")
