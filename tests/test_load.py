"""The user-facing surface: tables(), load(), describe(), offline and light."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import alliance_data
from alliance_data.codebook.registry import TABLES, TABLES_BY_NAME
from alliance_data.codebook.vocabulary import Certainty, Kind, TimeFrame
from alliance_data.reader.loading import PackagedDataError


def test_tables_lists_every_table_in_order():
    assert alliance_data.tables() == [table.name for table in TABLES]


def test_load_gives_typed_columns():
    claims = alliance_data.load("claims")
    assert len(claims) > 100
    assert isinstance(claims["kind"].dtype, pd.CategoricalDtype)
    # Every level of the enumeration, in the model's order, used or not.
    assert claims["kind"].cat.categories.tolist() == Kind.values()
    assert claims["certainty"].cat.categories.tolist() == Certainty.values()
    assert claims["certainty"].cat.ordered and claims["time_frame"].cat.ordered
    assert claims["time_frame"].cat.categories.tolist() == TimeFrame.values()
    assert not claims["kind"].cat.ordered
    assert claims["char_start"].dtype == pd.Int64Dtype()
    assert claims["period_start"].dtype == pd.Int64Dtype()
    assert pd.api.types.is_string_dtype(claims["statement"].dtype)
    assert list(claims.columns) == TABLES_BY_NAME["claims"].column_names


def test_load_carries_version_and_citation():
    claims = alliance_data.load("claims")
    assert claims.attrs["version"] == alliance_data.__version__
    assert alliance_data.__version__ in claims.attrs["citation"]
    assert claims.attrs["table"] == "claims"


def test_every_table_loads_with_its_row_count():
    from alliance_data.reader.loading import manifest

    rows = {entry["name"]: entry["rows"] for entry in manifest()["tables"]}
    for name in alliance_data.tables():
        frame = alliance_data.load(name)
        assert list(frame.columns) == TABLES_BY_NAME[name].column_names
        assert len(frame) == rows[name]


def test_describe_documents_every_column():
    description = alliance_data.describe("claims")
    assert description["column"].tolist() == TABLES_BY_NAME["claims"].column_names
    assert description["description"].str.len().min() > 10
    kind = description.set_index("column").loc["kind"]
    assert kind["type"] == "category" and kind["levels"] == ", ".join(Kind.values())


def test_unknown_table_error_lists_the_valid_ones():
    with pytest.raises(KeyError) as error:
        alliance_data.load("claim")
    message = str(error.value)
    assert "unknown table 'claim'" in message
    assert all(name in message for name in alliance_data.tables())


def test_tampered_packaged_file_is_refused(monkeypatch):
    from alliance_data.reader import loading

    real = loading._resource

    class Truncated:
        def __init__(self, resource):
            self.resource = resource

        def read_bytes(self):
            return self.resource.read_bytes()[:-10]

    monkeypatch.setattr(loading, "_resource", lambda name: Truncated(real(name)))
    with pytest.raises(PackagedDataError, match="does not match its checksum"):
        alliance_data.load("claims")


def test_import_and_load_stay_light():
    code = (
        "import sys, alliance_data; heavy = ('pandas', 'pyarrow', 'pydantic', 'pandera', 'datasette', 'yaml');"
        "assert not [m for m in sys.modules if m.split('.')[0] in heavy], 'import pulled in heavy modules';"
        "alliance_data.load('claims');"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', 'pandera', 'datasette', 'yaml'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, (result.returncode, result.stderr[-3000:])  # what went wrong, if it did
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("call", ["load", "describe"])
def test_a_name_that_is_not_text_is_an_unknown_table_error_listing_the_tables(call):
    import alliance_data

    with pytest.raises(alliance_data.UnknownTableError, match="the tables are: sources"):
        getattr(alliance_data, call)(None)
