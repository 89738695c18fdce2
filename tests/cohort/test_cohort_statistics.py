"""Report statistics against values computed by hand (the working is in the comments)."""
from __future__ import annotations

import math

import pytest

from course.grading.report import concept_coverage, flag_item, item_statistics, score_distribution

# 5 students x 3 items, points [1, 1, 2]
MATRIX = [
    [1, 1, 2],  # s1 total 4
    [1, 0, 2],  # s2 total 3
    [1, 1, 0],  # s3 total 2
    [0, 0, 1],  # s4 total 1
    [0, 1, 0],  # s5 total 1
]
MAX = [1, 1, 2]


def test_difficulty_is_mean_share_of_points():
    st = item_statistics(MATRIX, MAX)
    assert [s["difficulty"] for s in st] == pytest.approx([0.6, 0.6, 0.5])
    assert [s["mean"] for s in st] == pytest.approx([0.6, 0.6, 1.0])


def test_discrimination_is_corrected_item_total_correlation():
    st = item_statistics(MATRIX, MAX)
    # item 0 vs rest [3,2,1,1,1]: sxy 1.2, sxx 1.2, syy 3.2 -> 1.2/sqrt(3.84)
    assert st[0]["discrimination"] == pytest.approx(1.2 / math.sqrt(3.84))  # 0.6124
    # item 1 vs rest [3,3,1,1,0]: sxy -0.8, sxx 1.2, syy 7.2 -> -0.8/sqrt(8.64)
    assert st[1]["discrimination"] == pytest.approx(-0.8 / math.sqrt(8.64))  # -0.2722
    # item 2 vs rest [2,1,2,0,1]: sxy 0 -> 0
    assert st[2]["discrimination"] == pytest.approx(0.0)


def test_upper_lower_uses_top_and_bottom_27_percent():
    # round(0.27 * 5) = 1 student per group: top s1 (total 4), bottom s4 (first of the two 1s)
    st = item_statistics(MATRIX, MAX)
    assert [s["upper_lower"] for s in st] == pytest.approx([1.0, 1.0, 0.5])


def test_point_biserial_for_two_items():
    # items [1,1,0,0] and [2,1,1,0]: sxy 1, sxx 1, syy 2 -> r = 1/sqrt(2) for both
    st = item_statistics([[1, 2], [1, 1], [0, 1], [0, 0]], [1, 2])
    assert [s["discrimination"] for s in st] == pytest.approx([1 / math.sqrt(2)] * 2)
    assert [s["difficulty"] for s in st] == pytest.approx([0.5, 0.5])


def test_no_spread_gives_no_discrimination_and_a_note():
    st = item_statistics([[1, 0], [1, 1], [1, 0]], [1, 1])
    assert st[0]["discrimination"] is None
    assert "no spread" in flag_item(st[0]) and "almost everyone" in flag_item(st[0])
    assert "negative" in flag_item({"difficulty": 0.5, "discrimination": -0.3})


def test_score_distribution_by_hand():
    d = score_distribution([4, 3, 2, 1, 1], 4, bins=4)
    assert d["mean"] == pytest.approx(2.2)
    assert d["median"] == 2
    assert d["sd"] == pytest.approx(math.sqrt(6.8 / 4))  # sample sd 1.3038
    assert (d["min"], d["max"], d["n"]) == (1, 4, 5)
    assert d["histogram"] == [0, 2, 1, 2]  # the full score 4 falls in the last bin
    assert score_distribution([], 10)["n"] == 0


def test_concept_coverage_counts_and_orders_by_miss_rate():
    recs = [
        {"question": "q1", "found": ["frame"], "missing": ["consent"]},
        {"question": "q1", "found": ["frame", "consent"], "missing": []},
        {"question": "q1", "found": [], "missing": ["frame", "consent"]},
        {"question": "q2", "found": [], "missing": ["limits"]},
    ]
    cov = concept_coverage(recs)
    got = [(c.question, c.concept, c.found, c.missing) for c in cov]
    assert got == [("q2", "limits", 0, 1), ("q1", "consent", 1, 2), ("q1", "frame", 2, 1)]
    assert cov[1].miss_rate == pytest.approx(2 / 3)
