"""The cadence rules, table by table: plain dates in, dates and statuses out.

The schedule is the LGA employer standard the demo programme uses: newly qualified staff
weekly for 6 weeks, fortnightly to 26 weeks, then monthly; everyone else monthly;
reflective supervision and line managers' coaching every six weeks.
"""

import datetime as dt
from datetime import date
from decimal import Decimal

import pytest
import time_machine

from supervision import cadence
from supervision.cadence import CpdTargets, Figure, Rule, Status

LM, REFLECTIVE, COACHING, CLINICAL = "line_management", "reflective", "coaching", "clinical"
RULES = [
    Rule(LM, 7, newly_qualified=True, from_week=0, to_week=6),
    Rule(LM, 14, newly_qualified=True, from_week=6, to_week=26),
    Rule(LM, 30, newly_qualified=True, from_week=26),
    Rule(LM, 30),
    Rule(REFLECTIVE, 42),
    Rule(COACHING, 42),
]
PROGRAMME_START = date(2026, 3, 1)


def due(kind, *, nq, start, last, expected_from=PROGRAMME_START):
    found = cadence.next_due(
        RULES,
        kind,
        newly_qualified=nq,
        start_date=start,
        last=last,
        expected_from=expected_from,
    )
    return found[0] if found else None


# start date, newly qualified?, last session, expected next due, why
NEXT_DUE = [
    # The newly qualified schedule, across its boundaries (weeks counted from the start).
    (date(2026, 1, 5), True, date(2026, 1, 5), date(2026, 1, 12), "week 0: weekly"),
    (date(2026, 1, 5), True, date(2026, 2, 9), date(2026, 2, 16), "week 5: still weekly"),
    (date(2026, 1, 5), True, date(2026, 2, 16), date(2026, 3, 2), "week 6: fortnightly"),
    (date(2026, 1, 5), True, date(2026, 6, 29), date(2026, 7, 13), "week 25: fortnightly"),
    (date(2026, 1, 5), True, date(2026, 7, 6), date(2026, 8, 5), "week 26: monthly"),
    (date(2024, 1, 8), True, date(2026, 11, 2), date(2026, 12, 2), "long after: monthly"),
    # Everyone else: monthly, whatever the month's length.
    (date(2020, 5, 1), False, date(2027, 1, 31), date(2027, 3, 2), "month end, 28-day February"),
    (date(2020, 5, 1), False, date(2028, 1, 31), date(2028, 3, 1), "month end, leap year"),
    (date(2020, 5, 1), False, date(2026, 12, 15), date(2027, 1, 14), "across the new year"),
    (date(2020, 5, 1), False, date(2026, 4, 30), date(2026, 5, 30), "30-day month"),
    # Leap day itself.
    (date(2028, 2, 1), True, date(2028, 2, 25), date(2028, 3, 3), "weekly over 29 February"),
    (date(2028, 1, 3), True, date(2028, 2, 29), date(2028, 3, 14), "from 29 February, week 8"),
    # British Summer Time starts (29/03/2026) and ends (25/10/2026): dates are unaffected.
    (date(2026, 3, 2), True, date(2026, 3, 22), date(2026, 3, 29), "into BST"),
    (date(2026, 3, 2), True, date(2026, 3, 29), date(2026, 4, 5), "the day the clocks go forward"),
    (date(2026, 9, 28), True, date(2026, 10, 18), date(2026, 10, 25), "out of BST"),
    # No session yet: one interval after they started (or the programme did, if later).
    (date(2026, 11, 19), True, None, date(2026, 11, 26), "started last week: due this week"),
    (date(2026, 11, 19), False, None, date(2026, 12, 19), "started last week, experienced"),
    (date(2015, 6, 1), False, None, date(2026, 3, 31), "long-serving: from programme start"),
]


@pytest.mark.parametrize(
    ("start", "nq", "last", "expected", "why"), NEXT_DUE, ids=[row[-1] for row in NEXT_DUE]
)
def test_next_line_management_session_is_due(start, nq, last, expected, why):
    assert due(LM, nq=nq, start=start, last=last) == expected


def test_other_types_follow_their_own_interval():
    assert due(REFLECTIVE, nq=True, start=date(2026, 1, 5), last=date(2026, 1, 20)) == date(
        2026, 3, 3
    )
    assert due(COACHING, nq=False, start=date(2020, 1, 1), last=date(2026, 10, 1)) == date(
        2026, 11, 12
    )


def test_a_type_without_a_rule_is_not_tracked():
    assert due(CLINICAL, nq=False, start=date(2020, 1, 1), last=date(2026, 10, 1)) is None


def test_newly_qualified_staff_fall_back_to_the_all_staff_rule_for_other_types():
    rule = cadence.rule_for(
        RULES, REFLECTIVE, newly_qualified=True, start_date=date(2026, 11, 1), on=date(2026, 11, 2)
    )
    assert rule == Rule(REFLECTIVE, 42)


def test_the_all_staff_rule_applies_once_a_newly_qualified_schedule_ends():
    rules = [Rule(LM, 7, newly_qualified=True, to_week=6), Rule(LM, 30)]
    rule = cadence.rule_for(
        rules, LM, newly_qualified=True, start_date=date(2026, 1, 5), on=date(2026, 3, 2)
    )
    assert rule == Rule(LM, 30)


# next due, interval, today, status
STATUSES = [
    (date(2026, 12, 16), 30, date(2026, 11, 26), Status.ON_TRACK),
    (date(2026, 12, 3), 30, date(2026, 11, 26), Status.DUE_SOON),  # 7 days: a week's notice
    (date(2026, 12, 4), 30, date(2026, 11, 26), Status.ON_TRACK),  # 8 days
    (date(2026, 11, 26), 30, date(2026, 11, 26), Status.DUE_SOON),  # due today
    (date(2026, 11, 25), 30, date(2026, 11, 26), Status.OVERDUE),  # due yesterday
    (date(2026, 11, 29), 7, date(2026, 11, 26), Status.DUE_SOON),  # weekly: half an interval
    (date(2026, 11, 30), 7, date(2026, 11, 26), Status.ON_TRACK),
    (date(2026, 12, 1), 14, date(2026, 11, 26), Status.DUE_SOON),
    (date(2028, 3, 1), 30, date(2028, 2, 29), Status.DUE_SOON),  # leap day
    (date(2028, 2, 28), 30, date(2028, 2, 29), Status.OVERDUE),
]


@pytest.mark.parametrize(("next_due", "interval", "today", "status"), STATUSES)
def test_status_on_a_day(next_due, interval, today, status):
    assert cadence.status_of(next_due, interval, today) is status


def test_cadence_for_puts_it_together():
    position = cadence.cadence_for(
        RULES,
        LM,
        newly_qualified=False,
        start_date=date(2020, 1, 1),
        last=date(2026, 10, 13),
        today=date(2026, 11, 26),
    )
    assert position is not None
    assert position.next_due == date(2026, 11, 12)
    assert position.status is Status.OVERDUE
    assert not position.within_cadence
    assert position.days_overdue(date(2026, 11, 26)) == 14


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("utc", "status"),
    [
        # Due on 30/03/2026, the first Monday of BST: London is an hour ahead of UTC.
        (dt.datetime(2026, 3, 30, 22, 59, tzinfo=dt.UTC), Status.DUE_SOON),  # 23:59 BST
        (dt.datetime(2026, 3, 30, 23, 0, tzinfo=dt.UTC), Status.OVERDUE),  # 00:00 BST on 31st
    ],
)
def test_today_is_londons_date_across_the_clock_change(utc, status):
    from supervision.queries import cadence_for_staff
    from tests import factories as f

    standards = f.StandardsFactory(programme__start_date=date(2026, 1, 1))
    f.CadenceRuleFactory(
        standards=standards, supervision_type=LM, newly_qualified=True, to_week=6, interval_days=7
    )
    service = f.ServiceFactory()
    f.ParticipationFactory(programme=standards.programme, service=service)
    manager = f.StaffMemberFactory(service=service)
    person = f.StaffMemberFactory(
        service=service, line_manager=manager, newly_qualified=True, start_date=date(2026, 3, 16)
    )
    f.SupervisionSessionFactory(supervisee=person, supervisor=manager, held_on=date(2026, 3, 23))
    with time_machine.travel(utc, tick=False):
        position = cadence_for_staff(person.pk)
    assert position is not None
    assert position.by_type[LM].next_due == date(2026, 3, 30)
    assert position.by_type[LM].status is status


# --- CPD pace --------------------------------------------------------------------------------

TARGETS = CpdTargets(hours=30, pieces=2, peer_pieces=1)
YEAR = (date(2025, 12, 1), date(2026, 11, 30))
LEAP_YEAR = (date(2027, 12, 1), date(2028, 11, 30))

# year, today, start date, expected hours by today, pieces, peer pieces, why
PACE = [
    (YEAR, date(2025, 12, 1), None, "0.0", 0, 0, "first day of the year"),
    (YEAR, date(2025, 12, 30), None, "0.0", 0, 0, "a month's grace"),
    (YEAR, date(2025, 12, 31), None, "0.1", 0, 0, "grace over"),
    (YEAR, date(2026, 6, 15), None, "15.0", 0, 0, "about half way"),
    (YEAR, date(2026, 7, 1), None, "16.4", 1, 0, "past half way: one piece"),
    (YEAR, date(2026, 11, 30), None, "30.0", 2, 1, "last day: the whole target"),
    (YEAR, date(2027, 1, 10), None, "30.0", 2, 1, "after the year (a past year's record)"),
    (LEAP_YEAR, date(2028, 2, 29), None, "5.4", 0, 0, "leap day, a 366-day year"),
    (LEAP_YEAR, date(2028, 11, 30), None, "30.0", 2, 1, "end of a leap year"),
    (YEAR, date(2026, 11, 26), date(2026, 11, 19), "0.0", 0, 0, "started last week"),
    (YEAR, date(2026, 11, 30), date(2026, 6, 1), "15.0", 1, 0, "started half way: pro rata"),
]


@pytest.mark.parametrize(
    ("year", "today", "start", "hours", "pieces", "peer", "why"), PACE, ids=[r[-1] for r in PACE]
)
def test_cpd_expected_by_today(year, today, start, hours, pieces, peer, why):
    pace = cadence.cpd_pace(
        hours=0,
        pieces=0,
        peer_pieces=0,
        targets=TARGETS,
        year_start=year[0],
        year_end=year[1],
        today=today,
        start_date=start,
    )
    assert (pace.expected_hours, pace.expected_pieces, pace.expected_peer_pieces) == (
        Decimal(hours),
        pieces,
        peer,
    )


def test_on_pace_needs_hours_pieces_and_peer_reflection():
    def pace(hours, pieces, peer):
        return cadence.cpd_pace(
            hours=Decimal(hours),
            pieces=pieces,
            peer_pieces=peer,
            targets=TARGETS,
            year_start=YEAR[0],
            year_end=YEAR[1],
            today=YEAR[1],
        )

    assert pace("30", 2, 1).on_pace
    assert not pace("29.9", 2, 1).on_pace  # hours short
    assert not pace("40", 1, 1).on_pace  # a piece short
    assert not pace("40", 3, 0).on_pace  # no peer reflection
    assert pace("40", 3, 0).hours_percent == 100


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (date(2026, 11, 30), YEAR),
        (date(2026, 12, 1), (date(2026, 12, 1), date(2027, 11, 30))),
        (date(2028, 2, 29), LEAP_YEAR),
    ],
)
def test_registration_year_runs_1_december_to_30_november(today, year):
    assert cadence.registration_year(today) == year


# --- Small numbers -----------------------------------------------------------------------------


def test_a_share_of_fewer_people_than_the_threshold_is_hidden_with_a_reason():
    hidden = cadence.share("CPD on pace", 3, 4, threshold=5)
    assert hidden.suppressed and hidden.percent is None and hidden.numerator is None
    assert "fewer than 5 people" in hidden.suppressed_reason
    shown = cadence.share("CPD on pace", 4, 5, threshold=5)
    assert (shown.suppressed, shown.percent) == (False, 80)
    nobody = cadence.share("CPD on pace", 0, 0, threshold=5)
    assert nobody.empty and nobody.percent is None


def test_a_second_figure_is_hidden_when_a_total_would_give_the_first_away():
    figures = [
        cadence.share("x", 3, 4, threshold=5),  # hidden
        cadence.share("x", 5, 6, threshold=5),
        cadence.share("x", 9, 10, threshold=5),
    ]
    protected = cadence.suppress_complementary(figures, [4, 6, 10])
    assert [f.suppressed for f in protected] == [True, True, False]
    assert protected[1].suppressed_reason == cadence.COMPLEMENTARY_REASON


def test_no_second_figure_is_hidden_when_two_already_are_or_none_is():
    two = [cadence.share("x", 1, 2, threshold=5), cadence.share("x", 1, 3, threshold=5)]
    assert cadence.suppress_complementary([*two, Figure("x", 5, 6)], [2, 3, 6])[2].percent == 83
    shown = [Figure("x", 5, 6), Figure("x", 6, 7)]
    assert cadence.suppress_complementary(shown, [6, 7]) == shown
