"""Error pages speak plainly, keep the layout, and never leak what was asked for."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.text import page_text


@pytest.mark.django_db
def test_a_page_you_may_not_see_says_not_found_and_offers_the_way_home(world):
    client = Client()
    client.force_login(world.practitioner)
    response = client.get(
        reverse("commissioning:programme_detail", args=[world.other_programme.pk])
    )
    assert response.status_code == 404
    text = page_text(response)
    assert "Page not found" in text
    assert world.other_programme.name not in text
    assert f'href="{reverse("home")}"' in response.content.decode()
    assert "Sign out" in text  # the normal layout, so the person is not lost


@pytest.mark.django_db
def test_the_favicon_is_served_and_linked():
    client = Client()
    response = client.get(reverse("login"))
    assert 'rel="icon"' in response.content.decode()
    assert client.get("/static/favicon.svg").status_code == 200


@pytest.mark.django_db
def test_a_form_with_required_fields_explains_the_asterisk(world):
    client = Client()
    client.force_login(world.commissioner)
    response = client.get(reverse("commissioning:programme_create"))
    assert "are required." in page_text(response)
    assert 'class="asteriskField"' in response.content.decode()
