"""Actors' identifiers, cross-checked offline against the countrycode crosswalk, and the dyads'
COW codes in the order COW dyad data uses."""

from __future__ import annotations

import re

import pytest

from alliance_data.build.pipeline import build_tables
from conftest import DATA

# Historical states carry their successor's codes, as COW, Gleditsch-Ward and V-Dem code them.
SUCCESSOR = {"SOVIET_UNION": "RUS", "RUSSIAN_EMPIRE": "RUS", "PERSIAN_EMPIRE": "IRN"}
CODES = {"cow_code": "cown", "gw_code": "gwn", "vdem_id": "vdem"}


@pytest.fixture(scope="module")
def tables():
    return build_tables(DATA)


@pytest.fixture(scope="module")
def actors(tables):
    return {row["actor_id"]: row for row in tables["actors"].to_pylist()}


def test_state_codes_agree_with_the_countrycode_crosswalk(actors):
    from countrycode import countrycode

    states = [actor for actor in actors.values() if actor["iso3"]]
    assert len(states) >= 5
    for actor in states:
        for column, destination in CODES.items():
            assert actor[column] == countrycode(actor["iso3"], origin="iso3c", destination=destination), (
                actor["actor_id"],
                column,
            )


def test_historical_states_carry_their_successors_codes(actors):
    for historical, successor in SUCCESSOR.items():
        for column in CODES:
            assert actors[historical][column] == actors[successor][column], (historical, column)


def test_actors_that_are_not_states_have_no_state_codes(actors):
    for actor in actors.values():
        if actor["actor_type"] not in ("state", "historical_state"):
            assert all(actor[column] is None for column in CODES), actor["actor_id"]


def test_identifier_sources_cite_public_sources_not_working_notes(actors):
    working_notes = re.compile(r"find_string|\bid \d{6,}|\.csv\b|github|\.lua\b|seed", re.IGNORECASE)
    for actor in actors.values():
        source = actor["identifier_source"]
        assert not working_notes.search(source), (actor["actor_id"], source)
        if actor["wikidata_qid"]:
            assert f"https://www.wikidata.org/wiki/{actor['wikidata_qid']}" in source
        if actor["cow_code"]:
            assert "Correlates of War" in source or "COW" in source


def test_dyads_carry_cow_codes_lowest_first(tables, actors):
    pairs = tables["actor_pairs"].to_pylist()
    with_codes = [pair for pair in pairs if pair["ccode1"] is not None]
    assert with_codes, "some dyads join two states"
    for pair in pairs:
        a, b = actors[pair["actor_a"]]["cow_code"], actors[pair["actor_b"]]["cow_code"]
        if a is None or b is None or a == b:
            assert pair["ccode1"] is None and pair["ccode2"] is None, pair
        else:
            assert (pair["ccode1"], pair["ccode2"]) == (min(a, b), max(a, b)), pair
    iran_russia = next(pair for pair in pairs if pair["dyad"] == "IRN-RUS")
    assert (iran_russia["ccode1"], iran_russia["ccode2"]) == (365, 630)
