"""docs/architecture.md names every module of the package, so the next engineer finds each one."""

from __future__ import annotations

from conftest import ROOT

PACKAGE = ROOT / "src" / "alliance_data"


def test_every_module_is_named_in_the_architecture_page():
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    modules = sorted(path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py"))
    assert modules, f"no module found under {PACKAGE}"
    missing = [module for module in modules if f"`{module}`" not in page]
    assert not missing, (
        "docs/architecture.md does not name these modules of src/alliance_data/ (add each, as `path`, "
        f"to the table of its subpackage: what it does, who uses it): {', '.join(missing)}"
    )
