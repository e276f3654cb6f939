from alliance_data.codebook.hedging import HEDGE_CUES, find_cues, implied_certainty
from alliance_data.codebook.vocabulary import Certainty


def test_no_cue_means_asserted():
    assert implied_certainty("Economic and Trade Relations are a cornerstone.") is Certainty.ASSERTED


def test_cues_match_whole_words_case_insensitively():
    assert find_cues("Could this MIGHT happen") == ["could", "might"]
    # "may" must not match inside "maybe" or "mayor"; "maybe" is its own cue.
    assert find_cues("the mayor said maybe") == ["maybe"]
    assert find_cues("unlikely") == []


def test_longest_cue_wins_at_the_same_place():
    assert find_cues("and potentially even coordinated efforts") == ["potentially even"]
    assert implied_certainty("and potentially even coordinated efforts") is Certainty.SPECULATIVE


def test_multiword_cues_span_any_whitespace():
    assert find_cues("is poised\nto deepen") == ["poised to"]


def test_weakest_cue_decides():
    assert implied_certainty("We'll likely see it, and it could fail") is Certainty.POSSIBLE
    assert implied_certainty("Imagine it; it will likely happen") is Certainty.SPECULATIVE


def test_every_cue_in_the_table_is_found_by_itself():
    for cue, level in HEDGE_CUES.items():
        assert find_cues(f"x {cue} y") == [cue]
        assert implied_certainty(f"x {cue} y") is level
