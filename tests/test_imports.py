"""The package's modules import one another in one direction only (no cycle, not even through an
import inside a function), the installed package never needs the maintainer tools, and the
installed command offers only what a user runs."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

from click.testing import CliRunner

import alliance_data
from alliance_data.cli import main

PACKAGE = Path(alliance_data.__file__).parent
TOOLS = Path(__file__).resolve().parents[1] / "tools"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imported(name: str, path: Path) -> set[str]:
    """Every name `path` imports, anywhere in it, as absolute module names."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            # `from . import about` imports the module about; `from . import load` the package.
            found |= {f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names}
    return found - {name}


def import_graph() -> dict[str, set[str]]:
    return {name: imported(name, path) & set(MODULES) for name, path in MODULES.items()}


def test_the_import_graph_of_the_package_has_no_cycle():
    graph = import_graph()
    assert graph["alliance_data.cli"] >= {"alliance_data.commands.show", "alliance_data.commands.figures"}
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        raise AssertionError(f"import cycle: {' -> '.join(error.args[1])}") from None


def test_the_cycle_check_finds_a_cycle_through_a_function_level_import():
    graph = import_graph()
    graph["alliance_data.about"] = graph["alliance_data.about"] | {"alliance_data.cli"}
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError:
        return
    raise AssertionError("the cycle about -> cli -> ... -> about was not found")


def test_the_package_never_imports_the_maintainer_tools():
    for name, path in MODULES.items():
        assert not {module for module in imported(name, path) if module.split(".")[0] == "tools"}, name


def test_the_command_offers_only_what_a_user_runs():
    tools = {path.stem for path in TOOLS.glob("*.py")}
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    listed = {line.split()[0] for line in result.output.split("Commands:", 1)[1].splitlines() if line.strip()}
    assert listed == set(main.commands)
    assert {"package", "docs"} <= tools and not {"package", "docs"} & listed
    # `figures` draws into a directory the user names; only the tool writes docs/ and the README.
    assert {option for param in main.commands["figures"].params for option in param.opts} == {"--out"}
