"""The dashboards' figures are rendered once per viewer scope, date and data version
(reports.views, core.figures): a second look costs a handful of queries, any change to
the data shows at once, and viewers who may see different things never share a render."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.text import page_text


def fetch(client, user, url) -> tuple[str, int]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return page_text(response), len(captured)


def figures_of(text: str) -> str:
    """The dashboard's figures, without the page around them (its forms carry a fresh
    CSRF token each time)."""
    return text.split('id="headline-heading"')[1].split('id="reports-heading"')[0]


def test_a_second_look_reuses_the_figures_and_a_change_shows_at_once(client, programme_world):
    w = programme_world
    url = f"/dashboard/programmes/{w.programme.pk}/"
    first, first_queries = fetch(client, w.commissioner, url)
    again, again_queries = fetch(client, w.commissioner, url)
    assert figures_of(again) == figures_of(first)
    assert again_queries < first_queries - 15  # the figures' own queries are skipped
    # A new service joins: the cached figures are not shown again.
    service = f.ServiceFactory(name="Brookside Family Hub")
    f.ParticipationFactory(programme=w.programme, service=service)
    changed, changed_queries = fetch(client, w.commissioner, url)
    assert "Brookside Family Hub" in changed and "Brookside Family Hub" not in first
    assert changed_queries == first_queries


def test_a_service_manager_never_gets_the_commissioners_render(client, programme_world):
    w = programme_world
    url = f"/dashboard/programmes/{w.programme.pk}/"
    everyone, _ = fetch(client, w.commissioner, url)
    assert "Hillside Early Help" in everyone
    own, _ = fetch(client, w.service_manager, url)
    assert "Riverside Family Help" in own and "Hillside Early Help" not in own
    # And the other way about: the commissioner still sees every service.
    assert "Hillside Early Help" in fetch(client, w.commissioner, url)[0]


def test_team_names_stay_with_those_who_may_see_them(client, programme_world):
    w = programme_world
    url = f"/dashboard/services/{w.service.pk}/"
    named = f"Team of {w.line_manager_staff.full_name}"
    assert named in fetch(client, w.service_manager, url)[0]
    unnamed, _ = fetch(client, w.commissioner, url)
    assert "Team 1" in unnamed and w.line_manager_staff.full_name not in unnamed
    assert named in fetch(client, w.service_manager, url)[0]


def test_each_date_has_its_own_figures(client, programme_world):
    from reports import queries

    w = programme_world
    url = f"/dashboard/programmes/{w.programme.pk}/"
    quarter_end = queries.period_choices()[1][0]
    client.force_login(w.commissioner)
    today = client.get(url)
    earlier = client.get(url, {"as_of": quarter_end})
    assert f"as at {w.today:%-d %B %Y}" in page_text(today)
    as_of = dt.date.fromisoformat(quarter_end)
    assert f"as at {as_of:%-d %B %Y}" in page_text(earlier)


def test_a_session_forgets_only_the_dashboards_of_its_service_and_programmes(
    client, programme_world
):
    """A practitioner's session in Riverside (programme 1) leaves programme 2's and the
    other service's rendered figures in place and shows at once on Riverside's and
    programme 1's (core.figure_scopes)."""
    w = programme_world
    pages = {
        "programme 1": (w.commissioner, f"/dashboard/programmes/{w.programme.pk}/"),
        "programme 2": (w.other_commissioner, f"/dashboard/programmes/{w.other_programme.pk}/"),
        "service A": (w.service_manager, f"/dashboard/services/{w.service.pk}/"),
        "service B": (w.other_service_manager, f"/dashboard/services/{w.other_service.pk}/"),
    }
    cold = {name: fetch(client, *page) for name, page in pages.items()}
    warm = {name: fetch(client, *page) for name, page in pages.items()}
    for name in pages:
        assert warm[name][1] < cold[name][1], name  # remembered: fewer queries
    f.SupervisionSessionFactory(supervisee=w.colleague_staff, supervisor=w.line_manager_staff)
    after = {name: fetch(client, *page) for name, page in pages.items()}
    for name in ("programme 2", "service B"):
        assert after[name][1] == warm[name][1], name
        assert figures_of(after[name][0]) == figures_of(warm[name][0])
    for name in ("programme 1", "service A"):
        assert after[name][1] == cold[name][1], name  # worked out afresh ...
        assert figures_of(after[name][0]) != figures_of(warm[name][0]), name  # ... anew


def test_a_change_to_standards_still_forgets_every_dashboard(client, programme_world):
    from commissioning.models import Standards

    w = programme_world
    url = f"/dashboard/programmes/{w.other_programme.pk}/"
    cold = fetch(client, w.other_commissioner, url)[1]
    warm = fetch(client, w.other_commissioner, url)[1]
    standards = Standards.objects.get(programme=w.programme)  # the other programme's
    standards.small_number_threshold = 3
    standards.save()
    assert fetch(client, w.other_commissioner, url)[1] == cold > warm
