import pytest

from alliance_data.curation.reliability import agreement, cohens_kappa, first_coder_values


def test_kappa_matches_the_textbook_example():
    # 50 items: both yes 20, both no 15, first yes/second no 5, first no/second yes 10:
    # p_o = 0.70, p_e = 0.50, kappa = 0.40 (the standard worked example).
    first = ["yes"] * 25 + ["no"] * 25
    second = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohens_kappa(first, second) == pytest.approx(0.40)


def test_kappa_of_perfect_and_chance_agreement():
    assert cohens_kappa(["a", "b", "a"], ["a", "b", "a"]) == 1.0
    assert cohens_kappa(["a", "a", "b", "b"], ["a", "b", "a", "b"]) == pytest.approx(0.0)


def test_kappa_needs_paired_codings():
    with pytest.raises(ValueError):
        cohens_kappa(["a"], ["a", "b"])


def test_first_coder_values_come_from_decisions_where_they_differ():
    claims = [{"claim_id": "c1", "kind": "driver"}, {"claim_id": "c2", "kind": "area"}]
    decisions = [{"claim_id": "c1", "field": "kind", "first_coder": "history"}]
    assert first_coder_values(claims, decisions, "kind") == {"c1": "history", "c2": "area"}


def test_agreement_counts_disagreements_before_resolution():
    claims = [
        {"claim_id": f"c{i}", "kind": k, "topic_id": "t", "certainty": "asserted"}
        for i, k in enumerate(["driver", "area", "area", "risk"])
    ]
    second = [dict(row) for row in claims]
    decisions = [{"claim_id": "c0", "field": "kind", "first_coder": "area", "second_coder": "driver"}]
    kind = next(result for result in agreement(claims, second, decisions) if result.field == "kind")
    assert (kind.items, kind.agreements) == (4, 3)
