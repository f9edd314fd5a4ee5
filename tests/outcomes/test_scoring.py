"""outcomes.scoring: reverse-scoring, subscales, sum or mean, and the missing-items rule."""

import pytest

from outcomes.scoring import (
    BadAnswers,
    Item,
    NotEnoughAnswers,
    Scale,
    score_answers,
)

FIVE = [Item(1), Item(2, reverse_scored=True), Item(3), Item(4), Item(5)]
LIKERT = Scale(1, 5, "mean")


@pytest.mark.parametrize(
    ("items", "scale", "answers", "score", "subscales", "prorated"),
    [
        # Mean with one reverse-scored item: 5 becomes 1+5-5 = 1.
        (FIVE, LIKERT, {"1": 4, "2": 5, "3": 4, "4": 4, "5": 2}, 3.0, {}, False),
        # Sum, on a scale starting at 0: reverse 0 → 4.
        ([Item(1), Item(2, True)], Scale(0, 4, "sum"), {"1": 3, "2": 0}, 7.0, {}, False),
        # Keys may be numbers; answers may be digit strings (from a form).
        ([Item(1), Item(2)], LIKERT, {1: "2", 2: "3"}, 2.5, {}, False),
        # Subscales use the same rule as the whole.
        (
            [Item(1, subscale="A"), Item(2, subscale="A"), Item(3, subscale="B")],
            Scale(1, 5, "sum"),
            {"1": 1, "2": 2, "3": 5},
            8.0,
            {"A": 3.0, "B": 5.0},
            False,
        ),
        # Four of five answered (80%): prorated mean of the four.
        (FIVE, LIKERT, {"1": 4, "2": 2, "3": 4, "4": 4}, 4.0, {}, True),
        # Prorated sum: mean of answered × number of items.
        (FIVE, Scale(1, 5, "sum"), {"1": 2, "2": 4, "3": 2, "4": 2}, 10.0, {}, True),
        # Blank answers count as unanswered.
        (FIVE, LIKERT, {"1": 4, "2": 2, "3": 4, "4": 4, "5": ""}, 4.0, {}, True),
    ],
)
def test_scores(items, scale, answers, score, subscales, prorated):
    scored = score_answers(items, scale, answers)
    assert scored.score == pytest.approx(score)
    assert scored.subscales == pytest.approx(subscales)
    assert scored.prorated is prorated


def test_a_subscale_below_the_share_answered_has_no_score():
    items = [Item(1, subscale="A"), Item(2, subscale="A"), *[Item(n) for n in range(3, 11)]]
    answers = {str(n): 3 for n in range(2, 11)}  # item 1 (half of subscale A) missing
    scored = score_answers(items, LIKERT, answers)
    assert scored.answered == 9 and scored.prorated
    assert "A" not in scored.subscales


def test_too_few_answers_lists_the_unanswered_items():
    with pytest.raises(NotEnoughAnswers) as refused:
        score_answers(FIVE, LIKERT, {"1": 3, "3": 3, "5": 3})
    assert refused.value.unanswered == [2, 4]
    assert refused.value.problems == [
        "Answer at least 4 of the 5 items to finish. Not answered yet: 2, 4."
    ]


@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        ({"1": 6}, "The answer to item 1 must be a whole number from 1 to 5."),
        ({"1": 0}, "The answer to item 1 must be a whole number from 1 to 5."),
        ({"1": "3.5"}, "The answer to item 1 must be a whole number from 1 to 5."),
        ({"1": True}, "The answer to item 1 must be a whole number from 1 to 5."),
        ({"9": 3}, "There is no item 9 in this measure."),
        ({"x": 3}, "There is no item x in this measure."),
    ],
)
def test_bad_answers_are_refused_not_guessed(answers, problem):
    full = {"1": 3, "2": 3, "3": 3, "4": 3, "5": 3} | answers
    with pytest.raises(BadAnswers) as refused:
        score_answers(FIVE, LIKERT, full)
    assert problem in refused.value.problems


def test_scoring_is_pure_python():
    import outcomes.scoring as module

    source = open(module.__file__).read()
    assert "django" not in source
