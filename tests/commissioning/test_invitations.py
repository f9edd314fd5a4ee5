"""Journey 1, invitations: a link that creates or attaches an account, expires, and works
once; the email goes only once the invitation is saved."""

import datetime as dt

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from commissioning import services
from commissioning.models import Invitation
from commissioning.queries import hash_token
from tests import factories as f
from tests.text import page_text

pytestmark = pytest.mark.django_db
PASSWORD = "a long and unusual passphrase"


def invite(world, email="new.manager@example.org", by=None, capture=None):
    return services.invitation_send(
        participation=world.participation,
        email=email,
        invited_by=by or world.commissioner,
        link_for=lambda token: f"https://launchpad.example/invitations/{token}/",
    )


def test_an_invitation_is_emailed_once_saved_with_a_single_use_link(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = invite(world, email="New.Manager@Example.org")
    assert invitation.email == "new.manager@example.org"
    # Only a hash of the token is kept.
    assert invitation.token_hash == hash_token(token) and token not in invitation.token_hash
    assert invitation.expires_at - invitation.created == dt.timedelta(days=14)
    [email] = mail.outbox
    assert email.to == ["new.manager@example.org"]
    assert f"https://launchpad.example/invitations/{token}/" in email.body
    assert world.service.name in email.body
    assert LogEntry.objects.get_for_object(invitation).exists()


def test_a_refused_invitation_sends_nothing(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        invite(world, email="not an email")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        invite(world, email=world.service_manager.email)  # already manages it
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        invite(world, by=world.service_manager)  # only commissioners invite
    assert not mail.outbox
    assert not Invitation.objects.exists()


def test_accepting_creates_an_account_that_manages_the_service(world):
    _, token = invite(world)
    user = services.invitation_accept(
        token=token, first_name="Nia", last_name="Roberts", password=PASSWORD
    )
    assert user.username == user.email == "new.manager@example.org"
    assert user.check_password(PASSWORD)
    assert world.service.managers.filter(pk=user.pk).exists()
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == user and invitation.accepted_at is not None
    entries = LogEntry.objects.get_for_object(invitation).filter(action=LogEntry.Action.UPDATE)
    assert "accepted_at" in entries.get().changes_dict


def test_accepting_as_a_signed_in_user_attaches_them(world):
    _, token = invite(world)
    services.invitation_accept(token=token, user=world.line_manager)
    assert world.service.managers.filter(pk=world.line_manager.pk).exists()


def test_an_invitation_works_once(world):
    _, token = invite(world)
    services.invitation_accept(token=token, user=world.line_manager)
    with pytest.raises(ValidationError, match="already been used"):
        services.invitation_accept(token=token, user=world.nobody)
    assert not world.service.managers.filter(pk=world.nobody.pk).exists()


def test_an_invitation_expires(world):
    _, token = invite(world)
    with time_machine.travel(timezone.now() + dt.timedelta(days=15)):
        with pytest.raises(ValidationError, match="expired"):
            services.invitation_accept(token=token, user=world.nobody)
    assert Invitation.objects.get().accepted_at is None


def test_an_unknown_token_is_refused(world):
    with pytest.raises(ValidationError, match="not valid"):
        services.invitation_accept(token="made-up", user=world.nobody)


def test_a_new_account_needs_a_name_and_a_good_password_and_writes_nothing_otherwise(world):
    _, token = invite(world)
    with pytest.raises(ValidationError) as refused:
        services.invitation_accept(token=token, first_name="", last_name="R", password="short")
    assert set(refused.value.message_dict) == {"first_name", "password1"}
    assert not User.objects.filter(username="new.manager@example.org").exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_existing_account_must_sign_in_rather_than_make_another(world):
    f.UserFactory(username="new.manager@example.org")
    _, token = invite(world)
    with pytest.raises(ValidationError, match="already an account"):
        services.invitation_accept(token=token, first_name="A", last_name="B", password=PASSWORD)


# --- The page ------------------------------------------------------------------------------------


def test_the_accept_page_creates_the_account_and_signs_in(client, world):
    _, token = invite(world)
    url = reverse("commissioning:invitation_accept", args=[token])
    page = client.get(url)
    assert "Create your account" in page.content.decode()
    response = client.post(
        url,
        {
            "first_name": "Nia",
            "last_name": "Roberts",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        follow=True,
    )
    assert response.wsgi_request.user.username == "new.manager@example.org"
    assert f"You now manage {world.service.name}" in page_text(response)
    # Used: the link now says so.
    assert client.get(url).status_code == 410


def test_the_accept_page_keeps_what_was_typed_when_passwords_differ(client, world):
    _, token = invite(world)
    url = reverse("commissioning:invitation_accept", args=[token])
    response = client.post(
        url, {"first_name": "Nia", "last_name": "Roberts", "password1": PASSWORD, "password2": "x"}
    )
    body = response.content.decode()
    assert "There is a problem" in body and "The two passwords do not match." in body
    assert 'value="Nia"' in body
    assert not User.objects.filter(username="new.manager@example.org").exists()


def test_someone_with_an_account_is_asked_to_sign_in(client, world):
    f.UserFactory(username="new.manager@example.org")
    _, token = invite(world)
    body = client.get(reverse("commissioning:invitation_accept", args=[token])).content.decode()
    assert "Sign in to accept" in body


def test_an_unknown_link_answers_404_and_an_expired_one_410(client, world):
    assert client.get("/invitations/nonsense/").status_code == 404
    _, token = invite(world)
    with time_machine.travel(timezone.now() + dt.timedelta(days=15)):
        response = client.get(reverse("commissioning:invitation_accept", args=[token]))
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()


def test_only_commissioners_open_the_invitation_page(client, world):
    url = reverse("commissioning:invitation_create", args=[world.participation.pk])
    client.force_login(world.service_manager)
    assert client.get(url).status_code == 403
    client.force_login(world.other_commissioner)
    assert client.get(url).status_code == 404
    client.force_login(world.commissioner)
    response = client.post(url, {"email": "someone@example.org"})
    assert response.status_code == 302
    assert Invitation.objects.get().invited_by == world.commissioner
