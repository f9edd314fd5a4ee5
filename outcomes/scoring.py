"""Scoring a measure's answers: pure Python, no Django, so statistics and tests can use it.

Rules (shown to practitioners and stated in reports):

* A reverse-scored item counts as ``scale_min + scale_max - answer``.
* The score is the sum or the mean of the (keyed) item scores, as the measure says; each
  subscale is scored the same way over its own items.
* Missing answers: a response can be scored when at least ``MIN_ANSWERED_SHARE`` (80%) of
  its items are answered. The score is then *prorated*: the mean of the answered items,
  or for a sum, that mean times the number of items. A subscale below 80% answered has
  no score. Below 80% overall the response cannot be scored (``NotEnoughAnswers``).
* An answer outside the scale, or to an item the measure does not have, is refused
  (``BadAnswers``): nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from statistics import fmean

MIN_ANSWERED_SHARE = Fraction(4, 5)
SUM, MEAN = "sum", "mean"


@dataclass(frozen=True)
class Item:
    number: int
    reverse_scored: bool = False
    subscale: str = ""


@dataclass(frozen=True)
class Scale:
    minimum: int
    maximum: int
    method: str = MEAN  # "sum" or "mean"


@dataclass(frozen=True)
class Scored:
    score: float
    subscales: dict[str, float] = field(default_factory=dict)
    answered: int = 0
    items: int = 0

    @property
    def prorated(self) -> bool:
        return self.answered < self.items


class ScoringError(ValueError):
    """Answers that cannot be scored; ``problems`` says why, one sentence each."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__(" ".join(self.problems))


class BadAnswers(ScoringError):
    pass


class NotEnoughAnswers(ScoringError):
    def __init__(self, problems: Sequence[str], unanswered: Sequence[int]):
        super().__init__(problems)
        self.unanswered = list(unanswered)


def enough_answered(answered: int, items: int) -> bool:
    return items > 0 and Fraction(answered, items) >= MIN_ANSWERED_SHARE


def parse_answers(
    items: Sequence[Item], scale: Scale, answers: Mapping[str, object]
) -> dict[int, int]:
    """Answers keyed by item number, each checked against the items and the scale.

    Keys may be numbers or strings of digits; blank values count as unanswered. Raises
    ``BadAnswers`` listing every problem.
    """
    known = {item.number for item in items}
    parsed: dict[int, int] = {}
    problems = []
    for key, raw in answers.items():
        number = _as_int(key)
        if number is None or number not in known:
            problems.append(f"There is no item {key} in this measure.")
            continue
        if raw is None or raw == "":
            continue
        value = _as_int(raw)
        if value is None or not scale.minimum <= value <= scale.maximum:
            problems.append(
                f"The answer to item {number} must be a whole number from "
                f"{scale.minimum} to {scale.maximum}."
            )
            continue
        parsed[number] = value
    if problems:
        raise BadAnswers(problems)
    return parsed


def score_answers(items: Sequence[Item], scale: Scale, answers: Mapping[str, object]) -> Scored:
    """Score a response (see the module's rules). Raises ``BadAnswers`` or
    ``NotEnoughAnswers``."""
    if not items:
        raise ScoringError(["This measure has no items."])
    parsed = parse_answers(items, scale, answers)
    unanswered = [item.number for item in items if item.number not in parsed]
    if not enough_answered(len(items) - len(unanswered), len(items)):
        listed = ", ".join(str(n) for n in unanswered)
        raise NotEnoughAnswers(
            [
                f"Answer at least {_needed(len(items))} of the {len(items)} items to finish. "
                f"Not answered yet: {listed}."
            ],
            unanswered,
        )
    total = _combine(items, scale, parsed)
    assert total is not None  # enough answered, checked above
    subscales = {}
    for name in dict.fromkeys(item.subscale for item in items if item.subscale):
        value = _combine([i for i in items if i.subscale == name], scale, parsed)
        if value is not None:
            subscales[name] = value
    return Scored(total, subscales, answered=len(parsed), items=len(items))


def _combine(items: Sequence[Item], scale: Scale, parsed: Mapping[int, int]) -> float | None:
    keyed = [_keyed(item, scale, parsed[item.number]) for item in items if item.number in parsed]
    if not enough_answered(len(keyed), len(items)):
        return None
    mean = fmean(keyed)
    return float(mean * len(items)) if scale.method == SUM else float(mean)


def _keyed(item: Item, scale: Scale, answer: int) -> int:
    return scale.minimum + scale.maximum - answer if item.reverse_scored else answer


def _needed(items: int) -> int:
    """The fewest answers that reach the share (ceil without floats)."""
    needed = MIN_ANSWERED_SHARE * items
    return -(-needed.numerator // needed.denominator)


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value) < 10:
        return int(value.strip())
    return None
