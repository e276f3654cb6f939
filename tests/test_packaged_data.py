"""The data shipped in the package is what data/ builds to today (`python -m tools.package`)."""

from __future__ import annotations

from tools import package as package_tool

from conftest import DATA, replace_in


def test_packaged_data_is_current():
    assert package_tool.stale_data(DATA) == [], "run `python -m tools.package`"


def test_packaged_data_of_other_data_is_stale(data_copy):
    replace_in(
        data_copy / "topics.yaml", "label: Long roots of the relationship", "label: Old roots of the relationship"
    )
    stale = package_tool.stale_data(data_copy)
    assert "src/alliance_data/data/topics.parquet" in stale
    assert "src/alliance_data/data/alliance.db" in stale
    assert "src/alliance_data/data/claims.parquet" not in stale


def test_a_refused_output_is_one_message_and_exit_status_2(capsys):
    from tools.generated import run

    from alliance_data.filesystem.atomic import OutputRefused

    def refused():
        raise OutputRefused("the package's data directory holds what a build does not write")

    assert run("package", check=list, write=refused, argv=[]) == 2
    assert capsys.readouterr().err == "error: the package's data directory holds what a build does not write\n"
    assert run("package", check=lambda: ["schema/x.schema.json"], write=list, argv=["--check"]) == 1
    assert capsys.readouterr().err == "stale: schema/x.schema.json\n"
