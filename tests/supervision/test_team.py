"""Journey 4: the line manager's team view and their own capability panel."""

import datetime as dt
from decimal import Decimal

import pytest

from cohorts.models import TrainingCompletion
from tests import factories as f

TEAM = "/team/"


def session(supervisee, supervisor, days_ago, kind="line_management", **extra):
    return f.SupervisionSessionFactory(
        supervisee=supervisee,
        supervisor=supervisor,
        held_on=dt.date(2026, 11, 26) - dt.timedelta(days=days_ago),
        supervision_type=kind,
        **extra,
    )


def test_each_report_has_cadence_by_type_and_cpd_pace(frozen, client, world, standards):
    lm = world.line_manager_staff
    session(world.practitioner_staff, lm, 44)  # overdue: monthly
    session(world.practitioner_staff, lm, 10, "reflective")
    session(world.colleague_staff, lm, 26)  # due soon: 4 days left
    world.colleague_staff.newly_qualified = True
    world.colleague_staff.save()
    f.CpdActivityFactory(staff=world.colleague_staff, hours=31, peer_reflection=True)
    f.CpdActivityFactory(staff=world.colleague_staff, hours=1)
    client.force_login(world.line_manager)
    response = client.get(TEAM)
    assert response.status_code == 200
    rows = {row.staff: row for row in response.context["rows"]}
    practitioner = rows[world.practitioner_staff].by_type
    assert practitioner["line_management"].status == "overdue"
    assert practitioner["line_management"].next_due == dt.date(2026, 11, 12)
    assert practitioner["reflective"].status == "on_track"
    assert "coaching" not in practitioner  # not a line manager
    colleague = rows[world.colleague_staff]
    assert colleague.by_type["line_management"].status == "due_soon"
    assert colleague.cpd.on_pace and colleague.cpd.hours == Decimal(32)
    assert not rows[world.practitioner_staff].cpd.on_pace
    assert response.context["types"] == ["line_management", "reflective"]
    body = response.content.decode()
    for text in ("Overdue", "Due soon", "On track", "On pace", "Behind pace", "Newly qualified"):
        assert text in body


def test_the_capability_panel(frozen, client, world, standards):
    lm = world.line_manager_staff
    f.TrainingCompletionFactory(
        staff=lm,
        programme=world.programme,
        course=TrainingCompletion.Course.LINE_MANAGER,
        completed_on=dt.date(2026, 5, 15),
    )
    session(lm, lm.line_manager, 50, "coaching")  # coaching every 42 days: overdue
    # Supervision the line manager gave: 60 minutes at 100% and 30 at 10% reflective.
    session(world.practitioner_staff, lm, 5, minutes=60, reflective_percent=100)
    session(world.colleague_staff, lm, 6, minutes=30, reflective_percent=10)
    client.force_login(world.line_manager)
    capability = client.get(TEAM).context["capability"]
    assert capability.trained_on == dt.date(2026, 5, 15)
    assert capability.coaching.status == "overdue"
    assert capability.coaching.last == dt.date(2026, 10, 7)
    assert capability.reflective_share == 70  # (60×100 + 30×10) ÷ 90
    assert capability.sessions_given == 2


def test_the_teams_wellbeing_checks_are_hidden_for_a_small_team(frozen, client, world, standards):
    lm = world.line_manager_staff
    session(world.practitioner_staff, lm, 5, wellbeing_checked=True)
    session(world.colleague_staff, lm, 6, wellbeing_checked=False)
    client.force_login(world.line_manager)
    response = client.get(TEAM)
    wellbeing = response.context["capability"].wellbeing
    assert wellbeing.suppressed and wellbeing.percent is None
    assert "fewer than 5 people" in wellbeing.suppressed_reason
    assert "Not shown" in response.content.decode()


def test_the_teams_wellbeing_checks_are_shown_for_five_people_or_more(
    frozen, client, world, standards
):
    lm = world.line_manager_staff
    reports = [world.practitioner_staff, world.colleague_staff] + [
        f.StaffMemberFactory(service=world.service, line_manager=lm) for _ in range(3)
    ]
    for i, person in enumerate(reports):
        session(person, lm, 5 + i, wellbeing_checked=i < 4)
    client.force_login(world.line_manager)
    capability = client.get(TEAM).context["capability"]
    assert (capability.wellbeing.numerator, capability.wellbeing.denominator) == (4, 5)
    assert capability.wellbeing.percent == 80
    november = capability.wellbeing_trend[-1]
    assert november[0] == dt.date(2026, 11, 1) and november[1].percent == 80
    assert len(capability.wellbeing_trend) == 6


def test_sessions_to_confirm_put_significant_concerns_first(frozen, client, world, standards):
    lm = world.line_manager_staff
    older = session(world.practitioner_staff, lm, 20, vicarious_trauma_concern="high")
    newer = session(world.colleague_staff, lm, 2)
    confirmed = session(world.colleague_staff, lm, 3)
    confirmed.affirmed_at = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)
    confirmed.save()
    session(world.other_practitioner_staff, f.StaffMemberFactory(), 1)  # someone else's
    client.force_login(world.line_manager)
    response = client.get(TEAM)
    assert list(response.context["awaiting"]) == [older, newer]
    assert response.context["awaiting_count"] == 2


@pytest.mark.parametrize(
    "role", ["practitioner", "service_manager", "commissioner", "admin", "other_practitioner"]
)
def test_only_line_managers_have_a_team_page(client, world, role):
    client.force_login(getattr(world, role))
    assert client.get(TEAM).status_code == 404


def test_a_line_manager_sees_only_their_own_reports(frozen, client, world, standards):
    f.StaffMemberFactory(service=world.service, line_manager=f.StaffMemberFactory())
    client.force_login(world.line_manager)
    rows = client.get(TEAM).context["rows"]
    assert {row.staff for row in rows} == {world.practitioner_staff, world.colleague_staff}


def test_line_managers_have_coaching_in_place_of_reflective_supervision(
    frozen, client, world, standards
):
    client.force_login(world.line_manager)
    me = client.get(TEAM).context["capability"].me
    assert set(me.by_type) == {"line_management", "coaching"}
    practitioner = client.get(TEAM).context["rows"][0]
    assert set(practitioner.by_type) == {"line_management", "reflective"}
