"""Invariants of the curated dataset itself (the packaged build of data/)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pycountry
import pytest
from click.testing import CliRunner

import alliance_data
from alliance_data.cli import main
from alliance_data.codebook.identifiers import ACTOR_ID, WIKIDATA_QID
from alliance_data.codebook.vocabulary import Kind
from conftest import DATA, ROOT


@pytest.fixture(scope="module")
def claims():
    return alliance_data.load("claims")


def test_well_over_a_hundred_claims(claims):
    assert len(claims) > 150


def test_every_quote_verifies(claims):
    text = (DATA / "sources" / "irda.txt").read_bytes().decode("utf-8")
    for row in claims.itertuples():
        assert text[row.char_start : row.char_end] == row.quote, row.claim_id


def test_every_section_has_claims(claims):
    assert set(claims.section_id) == set(alliance_data.load("sections").section_id)


def test_every_kind_and_topic_is_used(claims):
    assert set(claims.kind) == set(Kind.values())
    assert set(claims.topic_id) == set(alliance_data.load("topics").topic_id)


def test_every_actor_is_referenced():
    used = set(alliance_data.load("claim_actors").actor_id)
    assert used == set(alliance_data.load("actors").actor_id)


def test_road_ahead_splits_outlook_and_risk(claims):
    road_ahead = claims[claims.section_id == "irda-s5"]
    assert {"outlook", "risk"} <= set(road_ahead.kind)


def test_identifiers_match_patterns_and_standards():
    actors = alliance_data.load("actors")
    for row in actors.itertuples():
        assert re.fullmatch(ACTOR_ID[1:-1], row.actor_id)
        if isinstance(row.wikidata_qid, str):
            assert re.fullmatch(WIKIDATA_QID[1:-1], row.wikidata_qid)
        if isinstance(row.iso3, str):
            country = pycountry.countries.get(alpha_3=row.iso3)
            assert country is not None, row.iso3
            assert row.actor_type == "state" and row.actor_id == row.iso3
        assert isinstance(row.identifier_source, str) and len(row.identifier_source) > 20, row.actor_id


def test_known_identifiers_hand_checked():
    # Written by hand from the standards, not read from the data: a regression guard.
    actors = alliance_data.load("actors").set_index("actor_id")
    assert (actors.loc["IRN", "cow_code"], actors.loc["IRN", "wikidata_qid"]) == (630, "Q794")
    assert (actors.loc["RUS", "cow_code"], actors.loc["RUS", "wikidata_qid"]) == (365, "Q159")
    assert (actors.loc["USA", "cow_code"], actors.loc["USA", "wikidata_qid"]) == (2, "Q30")
    # COW shares 365 between the Soviet Union and Russia; Wikidata does not.
    assert actors.loc["SOVIET_UNION", "cow_code"] == 365 and actors.loc["SOVIET_UNION", "wikidata_qid"] == "Q15180"
    assert pd.isna(actors.loc["SOVIET_UNION", "iso3"])  # SUN was withdrawn from ISO 3166-1 in 1992


def test_actor_pairs_are_sorted_dyads_of_claim_actors():
    pairs = alliance_data.load("actor_pairs")
    claim_actors = alliance_data.load("claim_actors")
    actors_of = claim_actors.groupby("claim_id")["actor_id"].apply(set).to_dict()
    for row in pairs.itertuples():
        assert row.actor_a < row.actor_b and row.dyad == f"{row.actor_a}-{row.actor_b}"
        assert {row.actor_a, row.actor_b} <= actors_of[row.claim_id]
    expected = sum(len(a) * (len(a) - 1) // 2 for a in actors_of.values())
    assert len(pairs) == expected
    # The article is about Iran and Russia: their dyad is the most frequent.
    assert pairs.dyad.value_counts().index[0] == "IRN-RUS"


def test_the_article_s_drivers_reach_its_areas():
    # From the text: sanctions pressure (a driver) is why both want to bypass Western finance,
    # which the areas section presents as economic cooperation.
    claims = alliance_data.load("claims").set_index("claim_id")
    links = alliance_data.load("claim_links")
    from_pressure = links[links.from_claim.map(claims.topic_id) == "driver-shared-pressure"]
    reached = set(from_pressure.to_claim.map(claims.kind))
    assert "area" in reached or "implication" in reached


@pytest.mark.slow  # a full build or coverage of the whole article
def test_coverage_report_covers_every_substantive_sentence():
    result = CliRunner().invoke(main, ["coverage", str(DATA), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["uncovered"] == [] and report["stale_exclusions"] == []
    assert all(row["covered"] + row["excluded"] == row["sentences"] for row in report["sections"])
    assert {unit["reason"] for unit in report["excluded"]} <= {
        "heading",
        "greeting",
        "rhetorical_question",
        "filler",
        "signpost",
    }


def test_coverage_report_catches_an_uncovered_sentence(data_copy):
    # Drop an exclusion: that sentence becomes uncovered and the command fails.
    path = data_copy / "coverage_exclusions.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("- source_id: irda\n  sentence: Hey everyone!\n  reason: greeting\n", ""))
    result = CliRunner().invoke(main, ["coverage", str(data_copy), "--json"])
    assert result.exit_code == 1
    assert [unit["text"] for unit in json.loads(result.output)["uncovered"]] == ["Hey everyone!"]


def test_reliability_report_is_current():
    result = CliRunner().invoke(main, ["reliability", str(DATA), "--print"])
    assert result.exit_code == 0
    assert (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8") == result.output, (
        "docs/reliability.md is stale: run `alliance-data reliability`"
    )


def test_a_disagreement_without_decision_fails(data_copy):
    path = data_copy / "second_coding.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("claim_id: irda-s3-010")
    kind_at = text.index("  kind: ", start)
    end = text.index("\n", kind_at)
    path.write_text(text[:kind_at] + "  kind: risk" + text[end:], encoding="utf-8")
    from alliance_data.curation.validate import validate
    from alliance_data.problems import ValidationFailed

    with pytest.raises(ValidationFailed) as error:
        validate(data_copy)
    assert any("coders disagree on kind" in p.message for p in error.value.problems)


def test_identifiers_doc_exists():
    assert "Correlates of War" in (Path(ROOT) / "docs" / "identifiers.md").read_text(encoding="utf-8")
