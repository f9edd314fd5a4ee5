"""Every page × every role × own and other objects: the page, a sign-in redirect, or 404.

Never the data, never a 500. Pages are discovered from the URL configuration.
"""

import pytest
from django.apps import apps
from django.urls import reverse

from .sweep import ACCESS, ARGUMENTS, PUBLIC, ROLES, SEES_EVERYTHING, discover_pages

PAGES = discover_pages()


def test_every_page_is_described_for_the_sweeps():
    missing = [p.name for p in PAGES if p.name not in ACCESS]
    assert not missing, f"Describe who may open these pages in tests/quality/sweep.py: {missing}"
    missing_args = [p.name for p in PAGES if p.arguments and p.name not in ARGUMENTS]
    assert not missing_args, f"Give sweep arguments for: {missing_args}"


def test_the_sweep_covers_a_sensible_number_of_pages():
    assert len(PAGES) >= 17


def sign_in(client, world, role):
    if role != "anonymous":
        client.force_login(getattr(world, role))


def expected_status(name: str, role: str) -> int | None:
    access = ACCESS[name]
    if access == PUBLIC:
        return None  # checked separately: anything but a 500
    if role == "anonymous":
        return 302
    return access.get(role, 404)


def url_for(page, world, which: str) -> str | None:
    if not page.arguments:
        return reverse(page.name) if which == "own" else None
    own, other = ARGUMENTS[page.name]
    maker = own if which == "own" else other
    return reverse(page.name, kwargs=maker(world)) if maker else None


CASES = [(page, role) for page in PAGES for role in ROLES]


@pytest.mark.parametrize(("page", "role"), CASES, ids=[f"{p.name}-{r}" for p, r in CASES])
def test_get_answers_as_expected_for_own_objects(client, world, page, role):
    sign_in(client, world, role)
    url = url_for(page, world, "own")
    response = client.get(url)
    expected = expected_status(page.name, role)
    if expected is None:
        assert response.status_code < 500
        return
    assert response.status_code == expected, f"{url} as {role}"
    if expected == 302 and role == "anonymous":
        assert response.url.startswith(reverse("login"))


OTHER_CASES = [(p, r) for p, r in CASES if p.arguments and ARGUMENTS[p.name][1]]


@pytest.mark.parametrize(
    ("page", "role"), OTHER_CASES, ids=[f"{p.name}-{r}" for p, r in OTHER_CASES]
)
def test_objects_of_other_programmes_and_services_answer_404(client, world, page, role):
    sign_in(client, world, role)
    url = url_for(page, world, "other")
    response = client.get(url)
    if role == "anonymous":
        assert response.status_code == 302
    elif role in SEES_EVERYTHING:
        assert response.status_code == 200
    else:
        assert response.status_code == 404, f"{url} as {role}"
        for secret in (world.other_programme.name, world.other_service.name):
            assert secret not in response.content.decode()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"commissioning", "cohorts", "supervision", "outcomes", "fidelity", "auth"}
    }


def refused(page, role) -> bool:
    expected = expected_status(page.name, role)
    return (role == "anonymous" and expected == 302) or expected == 404


POST_CASES = [(p, r) for p, r in CASES if refused(p, r)]


@pytest.mark.parametrize(("page", "role"), POST_CASES, ids=[f"{p.name}-{r}" for p, r in POST_CASES])
def test_post_by_someone_who_may_not_changes_nothing(client, world, page, role):
    sign_in(client, world, role)
    for which in ("own", "other"):
        url = url_for(page, world, which)
        if url is None:
            continue
        before = row_counts()
        response = client.post(url, {"name": "changed", "status": "agreed"})
        assert response.status_code in (302, 404, 405), f"POST {url} as {role}"
        assert row_counts() == before
