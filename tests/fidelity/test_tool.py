"""Journey 1: a commissioner picks or edits the programme's reflection tool. Published
versions never change; editing publishes the next version; checks keep theirs."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fidelity import services
from fidelity.models import FidelityItem, FidelityTool, Principle
from tests import factories as f
from tests.text import page_text


def tool_url(programme) -> str:
    return reverse("fidelity:tool_detail", kwargs={"pk": programme.pk})


def edit_url(programme) -> str:
    return reverse("fidelity:tool_edit", kwargs={"pk": programme.pk})


def test_a_commissioner_starts_with_the_default_tool_mapped_to_the_six_principles(client, world):
    client.force_login(world.commissioner)
    assert "No tool yet" in page_text(client.get(tool_url(world.programme)))
    response = client.post(tool_url(world.programme), {"default": "1"}, follow=True)
    tool = FidelityTool.objects.get(programme=world.programme)
    assert tool.in_use and tool.version == 1
    assert [i.principle for i in tool.items.order_by("number")] == list(Principle.values)
    text = page_text(response)
    assert "The default reflection tool is now in use." in text
    assert "Cultural consideration" in text and "Consistently" in text


def test_editing_publishes_a_new_version_and_checks_keep_theirs(client, world):
    first = f.fidelity_tool_with_items(world.programme, items=3)
    check = f.FidelityCheckFactory(tool=first, staff=world.practitioner_staff)
    client.force_login(world.commissioner)
    data = {
        "name": "Our reflection",
        "description": "Four questions.",
        "principle_1": "safety",
        "prompt_1": "Families felt safe with me.",
        "principle_2": "trust",
        "prompt_2": "I did what I said I would.",
        "principle_3": "choice",
        "prompt_3": "Families had choices.",
        "principle_4": "empowerment",
        "prompt_4": "I built on strengths.",
    }
    response = client.post(edit_url(world.programme), data, follow=True)
    assert "Published Our reflection (v2)" in page_text(response)
    second = FidelityTool.objects.get(programme=world.programme, version=2)
    first.refresh_from_db()
    assert second.in_use and not first.in_use
    assert second.items.count() == 4 and second.published_by == world.commissioner
    # The published version is untouched, and the check still points at it.
    assert list(first.items.values_list("prompt", flat=True)) == [
        "Prompt 1",
        "Prompt 2",
        "Prompt 3",
    ]
    check.refresh_from_db()
    assert check.tool == first


def test_the_edit_form_starts_from_the_version_in_use(client, world):
    f.fidelity_tool_with_items(world.programme, items=2)
    client.force_login(world.commissioner)
    body = client.get(edit_url(world.programme)).content.decode()
    assert 'value="Prompt 2"' in body
    assert body.count('name="prompt_') == 8  # at most eight items


def test_an_item_needs_both_a_principle_and_a_prompt(client, world):
    f.fidelity_tool_with_items(world.programme, items=2)
    client.force_login(world.commissioner)
    response = client.post(
        edit_url(world.programme),
        {"name": "Half done", "principle_1": "safety", "prompt_1": "", "prompt_2": "No principle"},
    )
    text = page_text(response)
    assert response.status_code == 200
    assert "There is a problem" in text
    assert "Write the prompt, or clear the principle." in text
    assert "Choose the principle this item is about." in text
    assert 'value="No principle"' in response.content.decode()  # what was typed is kept
    assert FidelityTool.objects.filter(programme=world.programme).count() == 1


def test_an_empty_tool_is_refused(client, world):
    client.force_login(world.commissioner)
    response = client.post(edit_url(world.programme), {"name": "Nothing"})
    assert "Add at least one item." in page_text(response)
    assert not FidelityTool.objects.exists()


def test_a_tool_has_at_most_eight_items(db):
    programme = f.ProgrammeFactory()
    with pytest.raises(ValidationError, match="at most 8 items"):
        services.fidelity_tool_publish(
            programme=programme,
            by=None,
            name="Too long",
            description="",
            items=[("safety", f"Prompt {n}") for n in range(9)],
        )
    assert not FidelityItem.objects.exists()


def test_a_commissioner_puts_an_earlier_version_back_in_use(client, world):
    first = f.fidelity_tool_with_items(world.programme, items=2)
    second = services.fidelity_tool_publish(
        programme=world.programme, by=None, name="New", description="", items=[("trust", "T")]
    )
    client.force_login(world.commissioner)
    response = client.post(tool_url(world.programme), {"tool": first.pk}, follow=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.in_use and not second.in_use
    assert "New checks now use" in page_text(response)


def test_service_managers_read_the_tool_but_may_not_change_it(client, world):
    f.fidelity_tool_with_items(world.programme, items=2)
    client.force_login(world.service_manager)
    assert client.get(tool_url(world.programme)).status_code == 200
    assert "Edit the tool" not in page_text(client.get(tool_url(world.programme)))
    assert client.get(edit_url(world.programme)).status_code == 403
    assert client.post(tool_url(world.programme), {"default": "1"}).status_code == 403
    assert client.post(edit_url(world.programme), {"name": "X"}).status_code == 403
    assert FidelityTool.objects.count() == 1


def test_outsiders_get_404(client, world):
    client.force_login(world.other_commissioner)
    assert client.get(tool_url(world.programme)).status_code == 404
    assert client.post(edit_url(world.programme), {"name": "X"}).status_code == 404
    client.force_login(world.practitioner)
    assert client.get(tool_url(world.programme)).status_code == 404
    assert not FidelityTool.objects.exists()


def test_admin_keeps_the_items_of_a_version_checks_were_done_with(client, world):
    used = f.fidelity_tool_with_items(world.programme, items=2)
    f.FidelityCheckFactory(tool=used, staff=world.practitioner_staff)
    item = used.items.first()
    client.force_login(world.admin)
    page = client.get(reverse("admin:fidelity_fidelitytool_change", args=[used.pk]))
    assert page.status_code == 200
    assert 'name="items-0-prompt"' not in page.content.decode()  # shown, not editable
    url = reverse("admin:fidelity_fidelityitem_change", args=[item.pk])
    client.post(url, {"tool": used.pk, "number": 1, "principle": "trust", "prompt": "Changed"})
    item.refresh_from_db()
    assert item.prompt == "Prompt 1"
