"""The statistics module: worked examples checked by hand, and SciPy as an independent
reference for the t distribution and the paired t interval."""

import math

import pytest
from scipy import stats as scipy_stats

from outcomes import stats

# --- t quantiles against SciPy ----------------------------------------------------------------


@pytest.mark.parametrize("df", [1, 2, 3, 4, 5, 7, 10, 19, 29, 60, 120, 1000])
@pytest.mark.parametrize("p", [0.5, 0.6, 0.9, 0.95, 0.975, 0.995, 0.025, 0.001])
def test_t_quantile_matches_scipy(df, p):
    assert stats.t_quantile(p, df) == pytest.approx(scipy_stats.t.ppf(p, df), abs=1e-8)


@pytest.mark.parametrize("df", [1, 3, 12, 200])
@pytest.mark.parametrize("t", [-4.0, -1.0, 0.0, 0.7, 2.5, 30.0])
def test_t_cdf_matches_scipy(df, t):
    assert stats.t_cdf(t, df) == pytest.approx(scipy_stats.t.cdf(t, df), abs=1e-10)


@pytest.mark.parametrize(
    ("df", "expected"),
    # Printed tables (e.g. any statistics textbook's t table, two-sided 5%).
    [(1, 12.706), (4, 2.776), (10, 2.228), (30, 2.042), (120, 1.980)],
)
def test_t_quantile_matches_printed_tables(df, expected):
    assert stats.t_quantile(0.975, df) == pytest.approx(expected, abs=5e-4)


@pytest.mark.parametrize("p", [0, 1, -0.1, 1.5])
def test_t_quantile_rejects_impossible_probabilities(p):
    with pytest.raises(ValueError):
        stats.t_quantile(p, 5)


# --- Descriptive figures ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected_mean", "expected_sd"),
    [
        ([2, 4, 4, 4, 5, 5, 7, 9], 5.0, math.sqrt(32 / 7)),  # Σ(x − 5)² = 32
        ([1, 2], 1.5, math.sqrt(0.5)),
        ([3, 3, 3], 3.0, 0.0),
    ],
)
def test_mean_and_sample_sd(values, expected_mean, expected_sd):
    assert stats.mean(values) == pytest.approx(expected_mean)
    assert stats.sample_sd(values) == pytest.approx(expected_sd)


def test_sd_of_one_value_is_refused():
    with pytest.raises(ValueError):
        stats.sample_sd([4.0])


# --- Paired change ----------------------------------------------------------------------------

# Worked by hand: differences 2, 3, 1, 3, 4 → d̄ = 2.6; Σ(d − d̄)² = 0.36 + 0.16 + 2.56 +
# 0.16 + 1.96 = 5.2, s_d = √(5.2 / 4) = 1.140175; dz = 2.6 / 1.140175 = 2.280351;
# t(0.975; 4) = 2.776445; margin = 2.776445 × 1.140175 / √5 = 1.415715;
# SE(dz) = √(1/5 + 5.2/10) = 0.848528 (dz² = 2.6² / 1.3 = 5.2); dz margin = 2.355892.
PRE = [10, 12, 14, 16, 18]
POST = [12, 15, 15, 19, 22]


def test_paired_change_worked_example():
    result = stats.paired_change(PRE, POST)
    assert result.n == 5
    assert result.mean_pre == pytest.approx(14.0)
    assert result.mean_post == pytest.approx(16.6)
    assert result.mean_change == pytest.approx(2.6)
    assert result.sd_change == pytest.approx(1.140175, abs=1e-6)
    assert result.change_ci.low == pytest.approx(2.6 - 1.415715, abs=1e-6)
    assert result.change_ci.high == pytest.approx(2.6 + 1.415715, abs=1e-6)
    assert result.dz == pytest.approx(2.280351, abs=1e-6)
    assert result.dz_ci.low == pytest.approx(2.280351 - 2.355892, abs=1e-5)
    assert result.dz_ci.high == pytest.approx(2.280351 + 2.355892, abs=1e-5)
    assert result.note == ""


@pytest.mark.parametrize(
    ("pre", "post"),
    [
        (PRE, POST),
        ([3.1, 2.8, 3.5, 2.2, 4.0, 3.3, 2.9], [3.6, 3.4, 3.3, 3.0, 4.4, 3.9, 3.0]),
        ([20, 18, 25, 14, 16, 22, 19, 21, 17, 15, 24], [15, 17, 19, 15, 10, 20, 12, 22, 13, 9, 18]),
    ],
)
def test_paired_change_agrees_with_scipy_paired_t(pre, post):
    result = stats.paired_change(pre, post)
    reference = scipy_stats.ttest_rel(post, pre)
    ci = reference.confidence_interval(0.95)
    assert result.change_ci.low == pytest.approx(ci.low, abs=1e-8)
    assert result.change_ci.high == pytest.approx(ci.high, abs=1e-8)
    # dz = t / √n
    assert result.dz == pytest.approx(reference.statistic / math.sqrt(len(pre)))


def test_paired_change_at_another_confidence_level():
    result = stats.paired_change(PRE, POST, confidence=0.90)
    ci = scipy_stats.ttest_rel(POST, PRE).confidence_interval(0.90)
    assert (result.change_ci.low, result.change_ci.high) == pytest.approx((ci.low, ci.high))


@pytest.mark.parametrize(
    ("pre", "post", "mean_change", "has_ci", "has_dz", "note_says"),
    [
        ([], [], None, False, False, "No matched pairs"),
        ([3.0], [4.5], 1.5, False, False, "One pair"),
        ([1, 2, 3], [2, 3, 4], 1.0, True, False, "undefined"),  # zero variance of differences
    ],
)
def test_paired_change_edge_cases(pre, post, mean_change, has_ci, has_dz, note_says):
    result = stats.paired_change(pre, post)
    assert result.mean_change == (pytest.approx(mean_change) if mean_change is not None else None)
    assert (result.change_ci is not None) is has_ci
    assert (result.dz is not None) is has_dz
    assert (result.dz_ci is not None) is has_dz
    assert note_says in result.note


def test_zero_variance_interval_collapses_to_the_point():
    result = stats.paired_change([1, 2, 3], [2, 3, 4])
    assert (result.change_ci.low, result.change_ci.high) == pytest.approx((1.0, 1.0))


def test_unpaired_scores_are_refused():
    with pytest.raises(ValueError):
        stats.paired_change([1, 2], [1])


def test_a_fall_gives_a_negative_change_and_effect_size():
    result = stats.paired_change(POST, PRE)
    assert result.mean_change == pytest.approx(-2.6)
    assert result.dz == pytest.approx(-2.280351, abs=1e-6)


# --- Reliable change --------------------------------------------------------------------------

# Confidence (higher better): SD_ref 0.6, r 0.85 → SEM = 0.6 × √0.15 = 0.232379,
# S_diff = √2 × SEM = 0.328634; a change must exceed 1.96 × 0.328634 = 0.644123.
# Stress (lower better): SD_ref 3.5, r 0.8 → SEM = 3.5 × √0.2 = 1.565248,
# S_diff = 2.213594; a change must exceed 4.338645 either way.


@pytest.mark.parametrize(
    ("sd_ref", "reliability", "expected"),
    [(0.6, 0.85, 0.328634), (3.5, 0.8, 2.213594), (10, 0.5, 10.0), (5, 1.0, 0.0)],
)
def test_standard_error_of_difference(sd_ref, reliability, expected):
    assert stats.standard_error_of_difference(sd_ref, reliability) == pytest.approx(
        expected, abs=1e-6
    )


@pytest.mark.parametrize(
    ("pre", "post", "s_diff", "higher_is_better", "expected"),
    [
        (3.0, 3.7, 0.328634, True, stats.Change.IMPROVED),  # RCI = 2.13
        (3.0, 3.6, 0.328634, True, stats.Change.NO_RELIABLE_CHANGE),  # RCI = 1.83
        (3.0, 2.3, 0.328634, True, stats.Change.DETERIORATED),  # RCI = −2.13
        (15, 10, 2.213594, False, stats.Change.IMPROVED),  # RCI = −2.26, lower is better
        (14, 11, 2.213594, False, stats.Change.NO_RELIABLE_CHANGE),  # RCI = −1.36
        (8, 13, 2.213594, False, stats.Change.DETERIORATED),  # RCI = +2.26, lower is better
        (0, 1.96, 1.0, True, stats.Change.NO_RELIABLE_CHANGE),  # exactly 1.96: not beyond
    ],
)
def test_classify_change(pre, post, s_diff, higher_is_better, expected):
    assert (
        stats.classify_change(pre, post, s_diff=s_diff, higher_is_better=higher_is_better)
        == expected
    )


def test_reliable_change_index():
    assert stats.reliable_change_index(15, 10, 2.213594) == pytest.approx(-2.258770, abs=1e-6)


@pytest.mark.parametrize(
    ("pre", "post", "cutoff", "higher_is_better", "expected"),
    [
        (15, 10, 12, False, True),  # reliable fall from above to below the cut-off
        (15, 13, 12, False, False),  # not reliable, still above
        (20, 14, 12, False, False),  # reliable, but still on the dysfunctional side
        (11, 5, 12, False, False),  # started on the functional side
        (2.5, 3.3, 3.0, True, True),  # higher better: reliable rise across the cut-off
        (2.5, 3.0, 3.0, True, False),  # exactly on the cut-off counts as functional, not reliable
    ],
)
def test_clinically_significant(pre, post, cutoff, higher_is_better, expected):
    s_diff = 2.213594 if not higher_is_better else 0.328634
    change = stats.classify_change(pre, post, s_diff=s_diff, higher_is_better=higher_is_better)
    assert (
        stats.clinically_significant(
            pre, post, change=change, cutoff=cutoff, higher_is_better=higher_is_better
        )
        is expected
    )


def test_jacobson_truax_c_worked_example():
    # Functional M₀ = 10, s₀ = 4; dysfunctional M₁ = 20, s₁ = 6:
    # c = (4 × 20 + 6 × 10) / (4 + 6) = 140 / 10 = 14.
    assert stats.jacobson_truax_c(10, 4, 20, 6) == pytest.approx(14.0)
    # Equal spreads: c is the midpoint.
    assert stats.jacobson_truax_c(10, 5, 20, 5) == pytest.approx(15.0)


def test_reliable_change_counts_and_shares_for_a_lower_is_better_measure():
    pre = [15, 14, 8, 20, 18, 11]
    post = [10, 11, 13, 14, 18, 5]
    result = stats.reliable_change(
        pre, post, sd_ref=3.5, reliability=0.8, higher_is_better=False, cutoff=12
    )
    # Changes −5, −3, +5, −6, 0, −6 against 4.338645: improved 15→10, 20→14, 11→5;
    # deteriorated 8→13; no reliable change 14→11, 18→18.
    assert (result.improved, result.no_reliable_change, result.deteriorated) == (3, 2, 1)
    assert result.improved_share == pytest.approx(0.5)
    assert result.deteriorated_share == pytest.approx(1 / 6)
    # Started above 12: 15, 14, 20, 18 → 4 could recover; only 15→10 crossed reliably.
    assert (result.recovered, result.could_recover) == (1, 4)
    assert result.recovered_share == pytest.approx(0.25)


def test_the_same_changes_flip_for_a_higher_is_better_measure():
    pre = [15, 14, 8, 20, 18, 11]
    post = [10, 11, 13, 14, 18, 5]
    result = stats.reliable_change(pre, post, sd_ref=3.5, reliability=0.8, higher_is_better=True)
    assert (result.improved, result.no_reliable_change, result.deteriorated) == (1, 2, 3)
    assert result.recovered is None and result.recovered_share is None


@pytest.mark.parametrize(
    ("sd_ref", "reliability", "pre"),
    [(None, 0.8, [1.0]), (3.5, None, [1.0]), (3.5, 1.0, [1.0]), (0.0, 0.8, [1.0]), (3.5, 0.8, [])],
)
def test_reliable_change_is_none_when_it_cannot_be_calculated(sd_ref, reliability, pre):
    post = [x + 10 for x in pre]
    assert (
        stats.reliable_change(
            pre, post, sd_ref=sd_ref, reliability=reliability, higher_is_better=True
        )
        is None
    )
