"""Journey 4: support, early. A check asking for support becomes an action the line
manager owns and both can see; the line manager agrees what will help and marks it done."""

import datetime as dt

from django.urls import reverse

from fidelity.models import SupportAction
from fidelity.queries import support_actions_visible_to
from tests import factories as f
from tests.text import page_text

from .conftest import TODAY


def urls(action) -> tuple[str, str]:
    return (
        reverse("fidelity:support_action_detail", kwargs={"pk": action.pk}),
        reverse("fidelity:support_action_done", kwargs={"pk": action.pk}),
    )


def test_both_see_it_and_only_the_line_manager_marks_it_done(client, world, frozen):
    action = f.SupportActionFactory(staff=world.practitioner_staff, owner=world.line_manager_staff)
    page, done = urls(action)
    client.force_login(world.practitioner)
    text = page_text(client.get(page))
    assert "Shadow a colleague on a family visit." in text and "Mark as done" not in text
    assert client.post(done).status_code == 403
    assert client.post(page, {"description": "Mine now", "due_on": "2026-12-01"}).status_code == 403
    action.refresh_from_db()
    assert action.done_on is None and action.description == "Shadow a colleague on a family visit."

    client.force_login(world.line_manager)
    assert "Mark as done" in page_text(client.get(page))
    assert client.get(done).status_code == 405
    response = client.post(done, follow=True)
    action.refresh_from_db()
    assert action.done_on == TODAY
    assert f"Marked done: support for {world.practitioner_staff.full_name}" in page_text(response)
    client.post(done)  # twice is still once
    action.refresh_from_db()
    assert action.done_on == TODAY


def test_the_line_manager_agrees_what_will_help_and_by_when(client, world, frozen):
    action = f.SupportActionFactory(staff=world.practitioner_staff, owner=world.line_manager_staff)
    page, _ = urls(action)
    client.force_login(world.line_manager)
    response = client.post(
        page, {"description": "Protected hour on Fridays", "due_on": "2026-12-04"}, follow=True
    )
    action.refresh_from_db()
    assert action.description == "Protected hour on Fridays"
    assert action.due_on == dt.date(2026, 12, 4)
    assert "Support action saved." in page_text(response)


def test_bad_input_on_an_action_saves_nothing(client, world, frozen):
    action = f.SupportActionFactory(staff=world.practitioner_staff, owner=world.line_manager_staff)
    page, _ = urls(action)
    client.force_login(world.line_manager)
    response = client.post(page, {"description": "  ", "due_on": "2026-02-30"})
    text = page_text(response)
    assert response.status_code == 200 and "There is a problem" in text
    assert "Say what will help." in text and "Enter a real date" in text
    action.refresh_from_db()
    assert action.description == "Shadow a colleague on a family visit."


def test_outsiders_get_404(client, world):
    action = f.SupportActionFactory(staff=world.practitioner_staff, owner=world.line_manager_staff)
    page, done = urls(action)
    for user in (world.service_manager, world.commissioner, world.admin, world.other_practitioner):
        client.force_login(user)
        assert client.get(page).status_code == 404
        assert client.post(done).status_code == 404
        assert action not in support_actions_visible_to(user)
    action.refresh_from_db()
    assert action.done_on is None


def test_the_reflections_page_lists_open_actions_for_both(client, world, tool, frozen):
    open_action = f.SupportActionFactory(
        staff=world.practitioner_staff,
        owner=world.line_manager_staff,
        description="Pair up for the next court visit",
        due_on=TODAY - dt.timedelta(days=1),
    )
    f.SupportActionFactory(
        staff=world.practitioner_staff,
        owner=world.line_manager_staff,
        description="Already done",
        done_on=TODAY,
    )
    for user in (world.practitioner, world.line_manager):
        client.force_login(user)
        response = client.get(reverse("fidelity:reflections"))
        assert list(response.context["open_actions"]) == [open_action]
        text = page_text(response)
        assert "Pair up for the next court visit" in text and "Overdue" in text
        assert "Already done" in text  # under "Recently done"


def test_support_asked_for_without_a_line_manager_makes_no_action(client, world, tool, frozen):
    world.practitioner_staff.line_manager = None
    world.practitioner_staff.save()
    client.force_login(world.practitioner)
    from .conftest import ratings_for

    data = {"done_on": TODAY.isoformat(), "support_wanted": "yes", **ratings_for(tool)}
    response = client.post(reverse("fidelity:check_new"), data, follow=True)
    assert not SupportAction.objects.exists()
    assert "no line manager on record" in page_text(response)
