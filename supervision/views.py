"""My practice, my team, supervision sessions, CPD and notifications: thin views over
queries.py (reads; 404 for what a user may not see) and services.py (writes; refusals
shown as form errors or messages). htmx requests get a partial, everyone else a page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from cohorts.queries import memberships_of
from core.roles import roles_for
from fidelity.queries import reflections_for, team_reflections
from fidelity.signals import team_signals
from outcomes.queries import open_measures_for

from . import queries, services
from .forms import CpdForm, NotificationPreferenceForm, SessionForm
from .models import SupervisionSession

RECENT_SESSIONS = 6
AWAITING_SHOWN = 20


def _practitioner(request: HttpRequest) -> queries.PersonCadence:
    roles = roles_for(request.user)
    if not roles.staff_id:
        raise Http404("You have no staff record.")
    person = queries.cadence_for_staff(roles.staff_id)
    if person is None:
        raise Http404("You have no staff record.")
    return person


def _posted(request: HttpRequest):
    """The form data on a POST, even an empty one (which must show errors, not a blank form)."""
    return request.POST if request.method == "POST" else None


def _recent_sessions(request: HttpRequest, staff_id: int):
    return (
        queries.sessions_visible_to(request.user)
        .filter(supervisee_id=staff_id)
        .select_related("supervisor")[:RECENT_SESSIONS]
    )


@login_required
def my_practice(request: HttpRequest) -> HttpResponse:
    """The practitioner's home: log supervision, see what is due, CPD and cohort.

    POST logs a session. With htmx the form and the cadence are swapped in place;
    without JavaScript the page reloads with a message.
    """
    person = _practitioner(request)
    staff = person.staff
    min_minutes = person.standards.min_session_minutes if person.standards else None
    form = SessionForm(_posted(request), staff=staff, min_minutes=min_minutes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.supervision_session_record(
                supervisee=staff,
                logged_by=request.user,
                supervision_type=data["supervision_type"],
                held_on=data["held_on"],
                minutes=data["minutes"],
                supervisor=data["supervisor"],
                external_supervisor=data["external_supervisor"],
                reflective_percent=data["reflective_percent"],
                wellbeing_checked=data["wellbeing_checked"],
                vicarious_trauma_concern=data["vicarious_trauma_concern"],
                notes=data["notes"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            saved = _saved_message(session)
            if request.htmx:
                person = _practitioner(request)
                return render(
                    request,
                    "supervision/_log_saved.html",
                    {
                        "form": SessionForm(staff=staff, min_minutes=min_minutes),
                        "saved": saved,
                        "person": person,
                        "sessions": _recent_sessions(request, staff.pk),
                    },
                )
            messages.success(request, saved)
            return redirect("supervision:my_practice")
    if request.htmx and request.method == "POST":
        return render(request, "supervision/_log_form.html", {"form": form})
    return render(
        request,
        "supervision/my_practice.html",
        {
            "form": form,
            "person": person,
            "sessions": _recent_sessions(request, staff.pk),
            "cpd": queries.cpd_visible_to(request.user).select_related("resource")[:5],
            "memberships": memberships_of(request.user),
            "reminders": queries.reminders_for(request.user)[:5],
            "reflections": reflections_for(request.user),
            "open_measures": open_measures_for(staff.pk, timezone.localdate()),
        },
    )


def _saved_message(session: SupervisionSession) -> str:
    text = (
        f"Saved: {session.get_supervision_type_display().lower()} supervision on "
        f"{session.held_on:%d/%m/%Y}, {session.minutes} minutes."
    )
    if session.vicarious_trauma_concern == SupervisionSession.Concern.HIGH:
        text += " Your supervisor has been asked to check in with you today."
    return text


@login_required
def cpd_record(request: HttpRequest) -> HttpResponse:
    """Record a CPD activity."""
    person = _practitioner(request)
    form = CpdForm(_posted(request), staff=person.staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activity = services.cpd_activity_record(
                staff=person.staff,
                kind=data["kind"],
                title=data["title"],
                done_on=data["done_on"],
                hours=data["hours"],
                learning=data["learning"],
                impact=data["impact"],
                peer_reflection=data["peer_reflection"],
                resource=data["resource"],
                link_outdated_resource=data.get("link_outdated_resource", False),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"CPD recorded: {activity.title} ({activity.hours} hours).")
            return redirect("supervision:my_practice")
    return render(request, "supervision/cpd_form.html", {"form": form, "person": person})


@login_required
def team(request: HttpRequest) -> HttpResponse:
    """The line manager's home: each report's cadence and CPD pace, sessions to confirm,
    and their own capability."""
    roles = roles_for(request.user)
    if not roles.is_line_manager:
        raise Http404("You have no reports.")
    rows = queries.team_overview(request.user)
    awaiting = queries.sessions_awaiting_confirmation(request.user)
    capability = queries.line_manager_capability(request.user)
    return render(
        request,
        "supervision/team.html",
        {
            "rows": rows,
            "types": queries.types_in(rows),
            "awaiting": awaiting[:AWAITING_SHOWN],
            "awaiting_count": awaiting.count(),
            "capability": capability,
            "compliance": queries.compliance_for_team(capability.me.staff) if capability else None,
            "team_signals": team_signals(roles.staff_id) if roles.staff_id else None,
            "team_reflections": team_reflections(request.user),
        },
    )


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One session, notes included: for the supervisee and the supervisor only."""
    session = queries.get_session_for_user(request.user, pk)
    return render(
        request,
        "supervision/session_detail.html",
        {"session": session, "may_confirm": _may_confirm(request, session)},
    )


def _may_confirm(request: HttpRequest, session: SupervisionSession) -> bool:
    return (
        session.affirmed_at is None
        and session.supervisor is not None
        and session.supervisor.user_id == request.user.pk
    )


@login_required
def session_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The supervisor confirms a session. The supervisee may see it but not confirm it
    (403); anyone else gets 404."""
    session = queries.get_session_for_user(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        session = services.supervision_session_affirm(session=session, by=request.user)
    except PermissionDenied:
        raise
    except ValidationError as error:
        if request.htmx:
            return render(
                request,
                "supervision/_confirm_result.html",
                {"session": session, "problem": error.messages[0]},
            )
        for message in error.messages:
            messages.error(request, message)
    else:
        if request.htmx:
            return render(request, "supervision/_confirm_result.html", {"session": session})
        messages.success(
            request,
            f"Confirmed {session.supervisee.full_name}'s session on {session.held_on:%d/%m/%Y}.",
        )
    following = request.POST.get("next", "")
    if following and url_has_allowed_host_and_scheme(
        following, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(following)
    return redirect("supervision:session_detail", pk=session.pk)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """Reminders for this person, newest first, and whether they want the email digest.
    POST saves the preference."""
    preference = queries.notification_preference_for(request.user)
    form = NotificationPreferenceForm(
        _posted(request), initial={"email_digest": preference.email_digest}
    )
    if request.method == "POST" and form.is_valid():
        services.notification_preference_set(
            user=request.user, email_digest=form.cleaned_data["email_digest"]
        )
        messages.success(
            request,
            "You will get a daily digest by email."
            if form.cleaned_data["email_digest"]
            else "Email digests are off. Reminders still appear here.",
        )
        return redirect("supervision:notifications")
    return render(
        request,
        "supervision/notifications.html",
        {
            "form": form,
            "reminders": queries.reminders_for(request.user)[:50],
            "dismissed": queries.dismissed_reminders_for(request.user)[:10],
            "latest_digest": queries.latest_digest_for(request.user),
        },
    )


@login_required
def reminder_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    reminder = queries.get_reminder_for_user(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.reminder_dismiss(reminder=reminder, by=request.user)
    if request.htmx:
        return HttpResponse("")  # the item is removed from the list
    messages.success(request, "Reminder dismissed.")
    return redirect(reverse("supervision:notifications"))
