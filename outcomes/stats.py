"""Statistics for paired outcome data: pure Python, no Django, every formula stated.

The impact pages, reports and exports all use these functions, so a figure is worked out
in one place. They take *scores* (already scored, prorated and reverse-keyed upstream, in
``outcomes.scoring``) and return plain dataclasses; they never see who a score belongs to.

Conventions, following common outcome reporting (e.g. CORE and NHS Talking Therapies):

- Change is always ``post − pre`` on the measure's own scale. Whether a rise or a fall is
  an improvement depends on the measure's direction (``higher_is_better``).
- Only matched pairs (a person with both scores) are analysed; callers report how many
  people had a baseline and how many of them also have the later score (completeness).
- Standard deviations use the ``n − 1`` divisor (the sample SD).
- Confidence intervals are two-sided at 95% unless asked otherwise, using Student's t
  with ``n − 1`` degrees of freedom. The t quantile is computed here (no SciPy at run
  time) from the regularised incomplete beta function; the tests check it against SciPy.

Edge cases return ``None`` for what cannot be calculated, with a ``note`` saying why,
rather than raising or inventing a number: fewer than two pairs (no SD, so no interval or
effect size), all changes identical (SD of differences 0, so dz is undefined), and a
measure without reliability or reference SD (no reliable change).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

# Jacobson & Truax (1991): a change is reliable when |RCI| exceeds the two-sided 5% point of
# the standard normal distribution.
RELIABLE_CHANGE_CRITICAL = 1.96


# --- Student's t distribution --------------------------------------------------------------


def _incomplete_beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction for the regularised incomplete beta function, evaluated by the
    modified Lentz method (Press et al., *Numerical Recipes*, 3rd ed., §6.4)."""
    tiny, eps = 1e-300, 1e-15
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 400):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < eps:
            break
    return h


def regularised_incomplete_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b) = B(x; a, b) / B(a, b), for a, b > 0 and 0 ≤ x ≤ 1.

    Uses the continued fraction directly where it converges fast (x < (a + 1)/(a + b + 2))
    and the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) otherwise (Numerical Recipes §6.4).
    """
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _incomplete_beta_fraction(a, b, x) / a
    return 1.0 - front * _incomplete_beta_fraction(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T ≤ t) for Student's t with ``df`` degrees of freedom.

    With x = df / (df + t²), P(T > |t|) = ½·I_x(df/2, ½) (Abramowitz & Stegun 26.7.1 and
    26.5.27), so P(T ≤ t) = 1 − ½·I_x(df/2, ½) for t ≥ 0, and ½·I_x(df/2, ½) for t < 0.
    """
    if df <= 0:
        raise ValueError("Degrees of freedom must be positive.")
    tail = 0.5 * regularised_incomplete_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


@lru_cache(maxsize=4096)  # pure, and asked again and again for the same 95% and df
def t_quantile(p: float, df: float) -> float:
    """The t value with P(T ≤ t) = p, for Student's t with ``df`` degrees of freedom.

    Found by bisection on ``t_cdf`` (which is monotone): bracket [0, hi] with hi doubled
    until it passes p, then halve the bracket until it is narrower than 1e-12. The
    distribution is symmetric, so quantiles below ½ are the negatives of those above.
    Accurate to about 1e-10 against SciPy's ``stats.t.ppf`` (see tests/outcomes/test_stats.py).
    """
    if not 0.0 < p < 1.0:
        raise ValueError("p must be strictly between 0 and 1.")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        low, high = high, high * 2.0
    while high - low > 1e-12 * max(1.0, high):
        middle = (low + high) / 2.0
        if t_cdf(middle, df) < p:
            low = middle
        else:
            high = middle
    return (low + high) / 2.0


# --- Descriptive figures ---------------------------------------------------------------------


def mean(values: Sequence[float]) -> float:
    """x̄ = Σx / n."""
    if not values:
        raise ValueError("The mean of no values is undefined.")
    return math.fsum(values) / len(values)


def sample_sd(values: Sequence[float]) -> float:
    """s = √( Σ(x − x̄)² / (n − 1) ), the sample standard deviation (needs n ≥ 2)."""
    if len(values) < 2:
        raise ValueError("A standard deviation needs at least two values.")
    centre = mean(values)
    return math.sqrt(math.fsum((v - centre) ** 2 for v in values) / (len(values) - 1))


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


# --- Paired change: mean change and effect size dz --------------------------------------------


@dataclass(frozen=True)
class PairedChange:
    """Mean change and paired effect size for matched pairs.

    ``mean_change`` = mean(post − pre) with a t-based CI; ``dz`` = mean(d) / SD(d) with an
    approximate CI (see ``paired_change``). ``None`` where it cannot be calculated, and
    ``note`` says why.
    """

    n: int
    mean_pre: float | None
    mean_post: float | None
    mean_change: float | None
    sd_change: float | None
    change_ci: Interval | None
    dz: float | None
    dz_ci: Interval | None
    confidence: float
    note: str = ""


def paired_change(
    pre: Sequence[float], post: Sequence[float], *, confidence: float = 0.95
) -> PairedChange:
    """Mean change, its confidence interval and the paired effect size dz.

    With differences dᵢ = postᵢ − preᵢ for n matched pairs, d̄ their mean and s_d their
    sample SD (n − 1):

    - CI of the mean change: d̄ ± t(1 − α/2; n − 1) · s_d / √n (the paired t interval).
    - dz = d̄ / s_d (Cohen 1988; Lakens 2013, *Front. Psychol.* 4:863). Equivalently t / √n.
    - CI of dz: dz ± t(1 − α/2; n − 1) · √(1/n + dz² / (2n)), using the usual
      large-sample standard error of a one-sample standardised mean (Hedges & Olkin 1985,
      *Statistical Methods for Meta-Analysis*). It is an approximation; exact intervals
      invert the noncentral t distribution, and agree closely once n is about 10 or more.

    Edge cases: no pairs → everything None; one pair → mean change only; s_d = 0 (every
    change the same) → the CI of the mean collapses to the point and dz is undefined.
    """
    if len(pre) != len(post):
        raise ValueError("Pre and post scores must come in pairs.")
    n = len(pre)
    if n == 0:
        return PairedChange(
            0, None, None, None, None, None, None, None, confidence, "No matched pairs."
        )
    diffs = [b - a for a, b in zip(pre, post, strict=True)]
    mean_pre, mean_post, mean_d = mean(pre), mean(post), mean(diffs)
    if n < 2:
        return PairedChange(
            n,
            mean_pre,
            mean_post,
            mean_d,
            None,
            None,
            None,
            None,
            confidence,
            "One pair: no spread, so no interval or effect size.",
        )
    sd_d = sample_sd(diffs)
    t_crit = t_quantile(1 - (1 - confidence) / 2, n - 1)
    margin = t_crit * sd_d / math.sqrt(n)
    change_ci = Interval(mean_d - margin, mean_d + margin)
    if sd_d == 0:
        return PairedChange(
            n,
            mean_pre,
            mean_post,
            mean_d,
            0.0,
            change_ci,
            None,
            None,
            confidence,
            "Every change is the same, so the effect size (which divides by their spread) "
            "is undefined.",
        )
    dz = mean_d / sd_d
    se_dz = math.sqrt(1 / n + dz * dz / (2 * n))
    return PairedChange(
        n,
        mean_pre,
        mean_post,
        mean_d,
        sd_d,
        change_ci,
        dz,
        Interval(dz - t_crit * se_dz, dz + t_crit * se_dz),
        confidence,
    )


# --- Reliable and clinically significant change (Jacobson & Truax 1991) -----------------------


class Change(StrEnum):
    IMPROVED = "improved"
    NO_RELIABLE_CHANGE = "no_reliable_change"
    DETERIORATED = "deteriorated"


def standard_error_of_difference(sd_ref: float, reliability: float) -> float:
    """S_diff = √2 · SEM, with SEM = SD_ref · √(1 − r) (Jacobson & Truax 1991, *J. Consult.
    Clin. Psychol.* 59:12–19), where SD_ref is the measure's reference SD and r its
    reliability. This is the J&T error term; other variants exist (e.g. using the pre and
    post SDs), and reports say this one is used."""
    if sd_ref < 0 or not 0 <= reliability <= 1:
        raise ValueError("Need SD_ref ≥ 0 and reliability between 0 and 1.")
    return math.sqrt(2) * sd_ref * math.sqrt(1 - reliability)


def reliable_change_index(pre: float, post: float, s_diff: float) -> float:
    """RCI = (post − pre) / S_diff."""
    if s_diff <= 0:
        raise ValueError("S_diff must be positive.")
    return (post - pre) / s_diff


def classify_change(
    pre: float,
    post: float,
    *,
    s_diff: float,
    higher_is_better: bool,
    critical: float = RELIABLE_CHANGE_CRITICAL,
) -> Change:
    """Reliable improvement, deterioration or neither, by |RCI| > ``critical`` (1.96).

    Direction matters: where lower scores are better, a reliable *improvement* is
    RCI < −1.96 and a rise beyond +1.96 is a deterioration.
    """
    rci = reliable_change_index(pre, post, s_diff)
    if abs(rci) <= critical:
        return Change.NO_RELIABLE_CHANGE
    better = rci > 0 if higher_is_better else rci < 0
    return Change.IMPROVED if better else Change.DETERIORATED


def on_functional_side(score: float, *, cutoff: float, higher_is_better: bool) -> bool:
    """Whether a score is on the functional (better) side of the cut-off. A score exactly on
    the cut-off counts as functional."""
    return score >= cutoff if higher_is_better else score <= cutoff


def clinically_significant(
    pre: float, post: float, *, change: Change, cutoff: float, higher_is_better: bool
) -> bool:
    """Jacobson & Truax's clinically significant change: a reliable improvement that also
    moves from the dysfunctional side of the cut-off (before) to the functional side
    (after). Someone who started on the functional side cannot make one."""
    return (
        change == Change.IMPROVED
        and not on_functional_side(pre, cutoff=cutoff, higher_is_better=higher_is_better)
        and on_functional_side(post, cutoff=cutoff, higher_is_better=higher_is_better)
    )


def jacobson_truax_c(
    functional_mean: float,
    functional_sd: float,
    dysfunctional_mean: float,
    dysfunctional_sd: float,
) -> float:
    """J&T's criterion c, the point between two populations weighted by their spreads:
    c = (s₀·M₁ + s₁·M₀) / (s₀ + s₁), where M₀, s₀ describe the functional population and
    M₁, s₁ the dysfunctional one. For a measure that declares its own cut-off, that is
    used instead (and reports say so)."""
    total = functional_sd + dysfunctional_sd
    if total <= 0:
        raise ValueError("At least one population SD must be positive.")
    return (functional_sd * dysfunctional_mean + dysfunctional_sd * functional_mean) / total


@dataclass(frozen=True)
class ReliableChange:
    """Per-person reliable change counted over matched pairs.

    ``recovered`` counts clinically significant changes; ``could_recover`` the people who
    started on the dysfunctional side of the cut-off (its denominator). Both are None when
    the measure has no cut-off.
    """

    n: int
    s_diff: float
    improved: int
    no_reliable_change: int
    deteriorated: int
    recovered: int | None = None
    could_recover: int | None = None

    def share(self, count: int | None, of: int | None = None) -> float | None:
        whole = self.n if of is None else of
        if count is None or not whole:
            return None
        return count / whole

    @property
    def improved_share(self) -> float | None:
        return self.share(self.improved)

    @property
    def no_reliable_change_share(self) -> float | None:
        return self.share(self.no_reliable_change)

    @property
    def deteriorated_share(self) -> float | None:
        return self.share(self.deteriorated)

    @property
    def recovered_share(self) -> float | None:
        return self.share(self.recovered, self.could_recover)


def reliable_change(
    pre: Sequence[float],
    post: Sequence[float],
    *,
    sd_ref: float | None,
    reliability: float | None,
    higher_is_better: bool,
    cutoff: float | None = None,
) -> ReliableChange | None:
    """Count reliable improvement, no reliable change and reliable deterioration per person
    (``classify_change``), and clinically significant change where a cut-off is given.

    None when it cannot be calculated: no pairs, or no reference SD or reliability, or
    S_diff = 0 (a reliability of 1 or a reference SD of 0 leaves no measurement error to
    compare a change against).
    """
    if len(pre) != len(post):
        raise ValueError("Pre and post scores must come in pairs.")
    if not pre or sd_ref is None or reliability is None:
        return None
    s_diff = standard_error_of_difference(sd_ref, reliability)
    if s_diff == 0:
        return None
    counts = dict.fromkeys(Change, 0)
    recovered = 0
    could_recover = 0
    for before, after in zip(pre, post, strict=True):
        change = classify_change(before, after, s_diff=s_diff, higher_is_better=higher_is_better)
        counts[change] += 1
        if cutoff is not None:
            if not on_functional_side(before, cutoff=cutoff, higher_is_better=higher_is_better):
                could_recover += 1
            recovered += clinically_significant(
                before, after, change=change, cutoff=cutoff, higher_is_better=higher_is_better
            )
    return ReliableChange(
        n=len(pre),
        s_diff=s_diff,
        improved=counts[Change.IMPROVED],
        no_reliable_change=counts[Change.NO_RELIABLE_CHANGE],
        deteriorated=counts[Change.DETERIORATED],
        recovered=recovered if cutoff is not None else None,
        could_recover=could_recover if cutoff is not None else None,
    )
