"""``seed_demo --scale``: the generated worlds used to measure Launchpad at size.

The tiny world (about 200 staff) has the national world's shape, so these tests check
that shape: counts, valid records, matched pre/post pairs, scores as outcomes.scoring
gives them, and every benchmark login seeing its pages.
"""

import io
import random
from statistics import fmean

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from cohorts.models import Cohort, Membership, StaffMember
from commissioning.models import Agreement, Participation, Programme, Service, Standards
from core import scale
from core.demo import DEMO_PASSWORD
from core.roles import roles_for
from fidelity.models import FidelityCheck, FidelityRating, FidelityTool, SupportAction
from outcomes import scoring
from outcomes.models import MeasureResponse
from supervision.models import CpdActivity, SupervisionSession


def seed_tiny(seed: int = scale.demo.SEED) -> str:
    out = io.StringIO()
    call_command("seed_demo", scale="tiny", seed=seed, verbosity=0, stdout=out)
    return out.getvalue()


@pytest.fixture
def tiny(db, settings):
    settings.DEBUG = True
    return seed_tiny()


def logged_in(username: str) -> Client:
    user = User.objects.get(username=username)
    assert user.check_password(DEMO_PASSWORD), username
    client = Client()
    client.force_login(user)
    return client


def test_tiny_world_has_the_national_shape(tiny):
    assert StaffMember.objects.count() == scale.SIZES["tiny"].staff
    assert Programme.objects.count() == 2
    assert Participation.objects.count() == Service.objects.count() >= 2
    assert Standards.objects.count() == 2
    assert FidelityTool.objects.filter(in_use=True).count() == 2
    assert Cohort.objects.count() > 4
    assert Membership.objects.count() > 100
    assert SupervisionSession.objects.count() > 2_000
    assert CpdActivity.objects.count() > 1_000
    assert MeasureResponse.objects.count() > 300
    assert FidelityCheck.objects.count() > 100
    assert FidelityRating.objects.count() == 6 * FidelityCheck.objects.count()
    assert SupportAction.objects.exists()
    assert Agreement.objects.filter(status=Agreement.Status.AGREED).exists()
    # Teams of up to ten report to a line manager, who reports to the service manager.
    teams = (
        StaffMember.objects.filter(role=StaffMember.Role.LINE_MANAGER)
        .annotate(size=Count("reports"))
        .values_list("size", flat=True)
    )
    assert max(teams) <= 10
    assert "commissioner@scale.example" in tiny


def test_every_benchmark_login_has_its_role(tiny):
    roles = {
        username: roles_for(StaffMember.objects.get(email=username).user)
        for username in (scale.SERVICE_MANAGER_LOGIN, scale.LINE_MANAGER_LOGIN)
    }
    assert roles[scale.SERVICE_MANAGER_LOGIN].is_service_manager
    assert roles[scale.LINE_MANAGER_LOGIN].is_line_manager
    practitioner = StaffMember.objects.get(email=scale.PRACTITIONER_LOGIN)
    assert practitioner.cohort_memberships.filter(status__in=["trained", "active"]).exists()


def test_pages_answer_for_the_generated_logins(tiny):
    programme = Programme.objects.get(lead_commissioners__username=scale.COMMISSIONER_LOGIN)
    service = Service.objects.get(managers__username=scale.SERVICE_MANAGER_LOGIN)
    assert service.participations.get().programme == programme
    pages = {
        scale.COMMISSIONER_LOGIN: [
            reverse("commissioning:programme_list"),
            reverse("reports:programme_dashboard", args=[programme.pk]),
            reverse("outcomes:programme_impact", args=[programme.pk]),
            reverse("fidelity:programme_aggregates", args=[programme.pk]),
        ],
        scale.SERVICE_MANAGER_LOGIN: [
            reverse("commissioning:my_service"),
            reverse("reports:service_dashboard", args=[service.pk]),
            reverse("fidelity:service_aggregates", args=[service.pk]),
        ],
        scale.LINE_MANAGER_LOGIN: [reverse("supervision:team")],
        scale.PRACTITIONER_LOGIN: [reverse("supervision:my_practice")],
        scale.ADMIN_LOGIN: [reverse("admin:index")],
    }
    for username, urls in pages.items():
        client = logged_in(username)
        for url in urls:
            assert client.get(url, follow=True).status_code == 200, (username, url)


def test_pre_and_post_responses_pair_up_and_improve(tiny):
    pre = {
        (r.staff_id, r.cohort_id, r.measure_id): r
        for r in MeasureResponse.objects.filter(point__kind="pre").select_related("measure")
    }
    changes = []
    for post in MeasureResponse.objects.filter(point__kind="post"):
        before = pre.get((post.staff_id, post.cohort_id, post.measure_id))
        if before is not None:
            change = post.score - before.score
            changes.append(change if before.measure.higher_is_better else -change)
    assert len(changes) > 50
    assert fmean(changes) > 0  # better after training, on average


def test_scores_are_those_outcomes_scoring_gives(tiny):
    responses = list(MeasureResponse.objects.select_related("measure"))
    for response in random.Random(1).sample(responses, 40):
        measure = response.measure
        items = [
            scoring.Item(item.number, item.reverse_scored, item.subscale)
            for item in measure.items.all()
        ]
        expected = scoring.score_answers(
            items,
            scoring.Scale(measure.scale_min, measure.scale_max, measure.scoring),
            response.answers,
        )
        assert response.score == pytest.approx(expected.score)
        assert response.subscale_scores == pytest.approx(expected.subscales)
        assert response.items_answered == len(items)


def test_running_twice_rebuilds_rather_than_duplicates(tiny):
    first = (StaffMember.objects.count(), SupervisionSession.objects.count())
    seed_tiny()
    assert (StaffMember.objects.count(), SupervisionSession.objects.count()) == first
    # The ids were handed out again from 1, and new rows still get fresh ones.
    assert StaffMember.objects.order_by("pk").first().pk == 1
    service = Service.objects.first()
    extra = StaffMember.objects.create(
        service=service,
        full_name="New Starter",
        email="new@x.example",
        job_title="Worker",
        start_date="2026-01-05",
    )
    assert extra.pk == StaffMember.objects.count()


def test_scale_refuses_sqlite(db, settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("seed_demo", scale="tiny", stdout=io.StringIO())


def test_scale_refuses_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        call_command("seed_demo", scale="tiny", stdout=io.StringIO())
