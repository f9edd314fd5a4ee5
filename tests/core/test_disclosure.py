"""Small-number and complementary suppression, as pure functions (core.disclosure)."""

import pytest

from core.disclosure import COMPLEMENTARY_REASON, disclose, protect_parts


def test_a_figure_about_fewer_people_than_the_threshold_is_suppressed_without_its_number():
    figure = disclose(3.2, 4, threshold=5)
    assert figure.suppressed
    assert figure.value is None and figure.people is None
    assert "fewer than 5 people" in figure.reason


def test_a_figure_about_enough_people_is_shown():
    figure = disclose(3.2, 5, threshold=5)
    assert figure.shown and figure.value == 3.2 and figure.people == 5


def test_nobody_to_count_is_empty_not_suppressed():
    figure = disclose(None, 0, threshold=5)
    assert figure.empty and not figure.suppressed


def test_one_hidden_part_beside_a_total_hides_the_next_smallest_too():
    sizes = [3, 9, 6, 12]
    parts = [disclose(float(n), n, threshold=5) for n in sizes]
    protected = protect_parts(parts, sizes, threshold=5)
    assert [p.shown for p in protected] == [False, True, False, True]
    assert protected[2].reason == COMPLEMENTARY_REASON


def test_two_hidden_parts_covering_too_few_people_hide_a_third():
    # 2 + 2 people hidden: the total minus the rest would give a figure about 4 people.
    sizes = [2, 2, 7, 8]
    protected = protect_parts([disclose(1.0, n, threshold=5) for n in sizes], sizes, threshold=5)
    assert [p.suppressed for p in protected] == [True, True, True, False]


def test_hidden_parts_covering_enough_people_need_nothing_more():
    sizes = [3, 4, 10]
    protected = protect_parts([disclose(1.0, n, threshold=5) for n in sizes], sizes, threshold=5)
    assert [p.suppressed for p in protected] == [True, True, False]


def test_empty_parts_are_never_used_as_complements_and_give_nothing_away():
    sizes = [0, 6, 7]
    parts = [disclose(1.0, n, threshold=5) for n in sizes]
    assert protect_parts(parts, sizes, threshold=5) == parts


def test_parts_need_their_sizes():
    with pytest.raises(ValueError):
        protect_parts([disclose(1.0, 6, threshold=5)], [], threshold=5)
