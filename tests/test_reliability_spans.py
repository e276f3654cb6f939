"""Agreement on claim spans and on links, worked by hand on small codings."""

from __future__ import annotations

import pytest

from alliance_data.curation.reliability import character_agreement, jaccard, link_agreement, span_scores


def test_jaccard_of_spans():
    assert jaccard((0, 10), (0, 10)) == 1.0
    assert jaccard((0, 10), (5, 15)) == pytest.approx(5 / 15)
    assert jaccard((0, 10), (10, 20)) == 0.0


def test_span_precision_recall_at_the_threshold():
    first = [(0, 10), (0, 20), (30, 40)]  # a list item nested in its list, and one more
    second = [(0, 18), (50, 60)]
    scores = span_scores(first, second, 0.5)
    # (0, 18) matches (0, 10) (10/18) and (0, 20) (18/20); (50, 60) matches nothing; (30, 40) is missed.
    assert (scores.found_second, scores.second, scores.found_first, scores.first) == (1, 2, 2, 3)
    assert scores.precision == 0.5 and scores.recall == pytest.approx(2 / 3)
    assert scores.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    assert span_scores(first, second, 0.95).found_first == 0


def test_character_agreement_counts_every_character_once():
    result = character_agreement([(0, 4), (2, 6)], [(4, 8)], [(0, 10)])
    # first marks 0..5, second 4..7: both at 4, 5; neither at 8, 9.
    assert (result.characters, result.agreements) == (10, 4)
    assert (result.scores.found_first, result.scores.first, result.scores.second) == (2, 6, 4)
    assert -1 <= result.kappa < 0.5


def test_links_agree_strictly_and_by_pair_with_kappa_on_what_both_found():
    first = [
        {"from_claim": "a", "to_claim": "b", "relation": "drives", "basis": "explicit"},
        {"from_claim": "c", "to_claim": "d", "relation": "restates", "basis": "inferred"},
        {"from_claim": "e", "to_claim": "f", "relation": "implies", "basis": "implicit"},
    ]
    second = [
        {"from_claim": "a", "to_claim": "b", "relation": "drives", "basis": "explicit"},
        {"from_claim": "d", "to_claim": "c", "relation": "restates", "basis": "implicit"},
        {"from_claim": "g", "to_claim": "h", "relation": "drives", "basis": "explicit"},
    ]
    result = link_agreement(first, second)
    assert (result.strict.found_second, result.strict.second, result.strict.first) == (1, 3, 3)
    assert (result.pairs.found_second, result.shared) == (2, 2)  # the restatement in either direction
    assert result.relation_agreements == 2 and result.relation_kappa == 1.0
    assert result.basis_agreements == 1
