"""Disclosure control for aggregates about people: small-number and complementary
suppression, as plain functions any app's query layer can use.

Why here and not in a template: a figure about fewer people than the programme's
threshold must never leave the query layer with its number in it, so pages, charts,
CSV files and PDFs cannot show it by accident. A suppressed ``Disclosed`` carries no
value and no count, only the reason it is not shown.

The rules (DOMAIN.md, "Disclosure control"):

- Small numbers: a figure built from fewer distinct people than the threshold is
  suppressed (people, not records: ten checks by two people are about two people).
- Complementary: where a total is shown beside its parts, hiding one part is not
  enough, because the total minus the others gives it back. So further parts are
  hidden, smallest first, until at least two are hidden and the hidden parts together
  cover at least ``threshold`` people (then what can be worked out is itself an
  aggregate over enough people).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

T = TypeVar("T")

SHOWN = "shown"
SUPPRESSED = "suppressed"
EMPTY = "empty"  # nobody to count: nothing hidden, nothing to show


def small_number_reason(threshold: int) -> str:
    return f"Not shown: fewer than {threshold} people, who could be identified."


COMPLEMENTARY_REASON = "Also not shown, so a hidden figure cannot be worked out from the total."
EMPTY_REASON = "No one to count yet."


@dataclass(frozen=True)
class Disclosed(Generic[T]):
    """One figure, or why it is not shown. ``value`` and ``people`` are None unless shown."""

    value: T | None
    people: int | None
    status: str = SHOWN
    reason: str = ""

    @property
    def suppressed(self) -> bool:
        return self.status == SUPPRESSED

    @property
    def empty(self) -> bool:
        return self.status == EMPTY

    @property
    def shown(self) -> bool:
        return self.status == SHOWN


def disclose(value: T, people: int, *, threshold: int) -> Disclosed[T]:
    """``value``, computed from ``people`` distinct people, or suppressed below ``threshold``."""
    if people <= 0:
        return Disclosed(None, None, EMPTY, EMPTY_REASON)
    if people < threshold:
        return Disclosed(None, None, SUPPRESSED, small_number_reason(threshold))
    return Disclosed(value, people)


def hide(figure: Disclosed[T], reason: str) -> Disclosed[T]:
    return replace(figure, value=None, people=None, status=SUPPRESSED, reason=reason)


def protect_parts(
    parts: Sequence[Disclosed[T]], people: Sequence[int], *, threshold: int
) -> list[Disclosed[T]]:
    """Complementary suppression for ``parts`` shown beside a visible total.

    ``people`` are the true sizes behind each part (0 where nobody applies; those give
    nothing away and are never hidden as complements). Returns the parts with enough
    further parts hidden, smallest first, that no hidden one can be recovered.
    """
    if len(parts) != len(people):
        raise ValueError("Each part needs its number of people.")
    result = list(parts)

    def hidden() -> list[int]:
        return [i for i, p in enumerate(result) if p.suppressed and people[i] > 0]

    while hidden():
        covered = sum(people[i] for i in hidden())
        if len(hidden()) >= 2 and covered >= threshold:
            break
        candidates = [i for i, p in enumerate(result) if p.shown and people[i] > 0]
        if not candidates:
            break
        smallest = min(candidates, key=lambda i: (people[i], i))
        result[smallest] = hide(result[smallest], COMPLEMENTARY_REASON)
    return result
