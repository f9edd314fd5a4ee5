"""Programmes, co-commissioning agreements and implementation stages.

Thin views: objects come from queries.py (404 for what a user may not see, 403 where
they may see but not change), changes go through services.py, whose refusals are shown
as messages or next to the form's fields.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cohorts.queries import cohorts_visible_to, staff_visible_to
from core.roles import roles_for
from supervision.queries import compliance_by_service, compliance_for_service

from . import forms, queries, services
from .models import STAGE_ORDER, Agreement, Participation, Stage


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _add_errors(form: Form, error: ValidationError) -> None:
    """Put a service's refusal next to the fields it names, or at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _is_conflict(error: ValidationError) -> bool:
    return getattr(error, "code", None) == "out_of_date"


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _participation_url(participation: Participation) -> str:
    return reverse("commissioning:participation_detail", args=[participation.pk])


def _agreement_url(participation: Participation) -> str:
    return reverse("commissioning:agreement_detail", args=[participation.pk])


# --- Programmes ----------------------------------------------------------------------------------


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    """The commissioner's home: every programme they commission, service by service."""
    return render(
        request,
        "commissioning/programme_list.html",
        {
            "overview": queries.programmes_overview(request.user),
            "may_create": roles_for(request.user).is_commissioner,
        },
    )


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = queries.get_programme_for_user(request.user, pk)
    participations = list(queries.programme_participations(request.user, programme))
    progress = queries.stage_progress(participations)
    rows = [(p, progress[p.pk], queries.current_stage_of(progress[p.pk])) for p in participations]
    # Commissioners (and admins) see every taking-part service's figures; a service manager
    # who does not commission the programme sees their own services only.
    roles = roles_for(request.user)
    own_services = None
    if not (roles.is_admin or queries.commissions(request.user, programme)):
        own_services = queries.services_visible_to(request.user).filter(
            pk__in=roles.managed_service_ids
        )
    return render(
        request,
        "commissioning/programme_detail.html",
        {
            "programme": programme,
            "compliance": compliance_by_service(programme, services=own_services),
            "rows": rows,
            "stages": Stage.choices,
            "lead_commissioners": list(programme.lead_commissioners.order_by("first_name")),
            "may_set_up": queries.may_set_up_programme(request.user, programme),
            "cohorts": cohorts_visible_to(request.user).filter(programme=programme),
        },
    )


@login_required
def programme_create(request: HttpRequest) -> HttpResponse:
    organisations = queries.commissioner_organisations_of(request.user)
    if not organisations.exists():
        raise Http404("You do not commission for an organisation.")
    form = forms.ProgrammeForm(_posted(request), organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            programme = services.programme_create(
                created_by=request.user,
                organisation=data["commissioning_organisation"],
                name=data["name"],
                practice_model=data["practice_model"],
                description=data["description"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                lead_commissioners=data["lead_commissioners"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                f"Programme “{programme.name}” set up. Next, add the services taking part.",
            )
            return redirect("commissioning:programme_detail", pk=programme.pk)
    return render(
        request,
        "commissioning/programme_form.html",
        {"form": form, "heading": "Set up a programme", "submit_label": "Set up programme"},
    )


def _programme_to_set_up(request: HttpRequest, pk: int):
    programme = queries.get_programme_for_user(request.user, pk)
    if not queries.may_set_up_programme(request.user, programme):
        raise PermissionDenied("Only the programme's commissioners can change it.")
    return programme


@login_required
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme_to_set_up(request, pk)
    initial = {
        "name": programme.name,
        "practice_model": programme.practice_model,
        "description": programme.description,
        "start_date": programme.start_date,
        "end_date": programme.end_date,
        "lead_commissioners": list(programme.lead_commissioners.all()),
    }
    form = forms.ProgrammeForm(
        _posted(request),
        initial=initial,
        organisations=queries.commissioner_organisations_of(request.user),
        fixed_organisation=programme.commissioning_organisation,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.programme_update(
                programme=programme,
                changed_by=request.user,
                name=data["name"],
                practice_model=data["practice_model"],
                description=data["description"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                lead_commissioners=data["lead_commissioners"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Programme details saved.")
            return redirect("commissioning:programme_detail", pk=programme.pk)
    return render(
        request,
        "commissioning/programme_form.html",
        {
            "form": form,
            "programme": programme,
            "heading": "Change programme details",
            "submit_label": "Save changes",
        },
    )


@login_required
def programme_service_add(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme_to_set_up(request, pk)
    form = forms.ParticipationAddForm(_posted(request), programme=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            participation = services.participation_add(
                programme=programme,
                added_by=request.user,
                service=data["service"],
                organisation=None if data["service"] else data["organisation"],
                new_organisation_name="" if data["service"] else data["new_organisation_name"],
                new_service_name="" if data["service"] else data["new_service_name"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                f"{participation.service.name} now takes part in {programme.name}. "
                "Invite its service manager to co-commission the agreement.",
            )
            return redirect("commissioning:invitation_create", pk=participation.pk)
    return render(
        request, "commissioning/service_add_form.html", {"form": form, "programme": programme}
    )


@login_required
def programme_milestones(request: HttpRequest, pk: int) -> HttpResponse:
    """The programme's milestone checklist for each stage, and adding to it."""
    programme = _programme_to_set_up(request, pk)
    form = forms.MilestoneTemplateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            template = services.milestone_template_add(
                programme=programme,
                added_by=request.user,
                stage=form.cleaned_data["stage"],
                title=form.cleaned_data["title"],
                position=form.cleaned_data["position"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                f"“{template.title}” added to {template.get_stage_display().lower()}, for every "
                "service that has not finished that stage.",
            )
            return redirect("commissioning:programme_milestones", pk=programme.pk)
    return render(
        request,
        "commissioning/programme_milestones.html",
        {
            "form": form,
            "programme": programme,
            "stages": queries.milestone_templates_by_stage(programme),
        },
    )


def _template_to_change(request: HttpRequest, pk: int):
    template = queries.get_milestone_template_for_user(request.user, pk)
    if not queries.may_set_up_programme(request.user, template.programme):
        raise PermissionDenied("Only the programme's commissioners can change its checklist.")
    return template


@login_required
def milestone_template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template_to_change(request, pk)
    form = forms.MilestoneTemplateForm(
        _posted(request),
        editing=True,
        initial={"title": template.title, "position": template.position},
    )
    if request.method == "POST" and form.is_valid():
        position = form.cleaned_data["position"]
        try:
            services.milestone_template_update(
                template=template,
                changed_by=request.user,
                title=form.cleaned_data["title"],
                position=template.position if position is None else position,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Milestone saved. Services' checklists show the change.")
            return redirect("commissioning:programme_milestones", pk=template.programme_id)
    return render(
        request, "commissioning/milestone_template_form.html", {"form": form, "template": template}
    )


@login_required
def milestone_template_remove(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template_to_change(request, pk)
    form = forms.ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            removed = services.milestone_template_remove(template=template, removed_by=request.user)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(
                request,
                f"“{template.title}” removed from the checklist"
                + (f" and from {removed} service checklist(s)." if removed else ".")
                + " Services that had done it keep the record.",
            )
        return redirect("commissioning:programme_milestones", pk=template.programme_id)
    return render(
        request,
        "commissioning/milestone_template_remove.html",
        {
            "form": form,
            "template": template,
            "done_count": template.milestones.exclude(completed_on=None).count(),
        },
    )


# --- A service in a programme --------------------------------------------------------------------


@login_required
def participation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One service's part in a programme: stage, milestones, agreement, managers."""
    participation = queries.get_participation_for_user(request.user, pk)
    progress = queries.stage_progress([participation])[participation.pk]
    may_set_up = queries.may_set_up_programme(request.user, participation.programme)
    checklist = queries.milestones_by_stage(participation)
    return render(
        request,
        "commissioning/participation_detail.html",
        {
            "participation": participation,
            "programme": participation.programme,
            "service": participation.service,
            "progress": progress,
            "current": queries.current_stage_of(progress),
            "checklist": checklist,
            "has_milestones": any(milestones for _, _, milestones in checklist),
            "selected": {
                str(m.pk) for _, _, milestones in checklist for m in milestones if m.completed_on
            },
            "next_stage": _next_stage_label(participation),
            "agreement": queries.latest_agreement(participation),
            "managers": queries.participation_managers(participation),
            "invitations": list(queries.invitations_for(participation)) if may_set_up else [],
            "may_set_up": may_set_up,
            "may_track": queries.may_track_implementation(request.user, participation),
            "now": timezone.now(),
        },
    )


def _next_stage_label(participation: Participation) -> str | None:
    position = STAGE_ORDER.index(participation.current_stage)
    if position + 1 >= len(STAGE_ORDER):
        return None
    return dict(Stage.choices)[STAGE_ORDER[position + 1]]


def _participation_to_track(request: HttpRequest, pk: int) -> Participation:
    participation = queries.get_participation_for_user(request.user, pk)
    if not queries.may_track_implementation(request.user, participation):
        raise PermissionDenied("Only the service's managers and commissioners can do this.")
    return participation


@login_required
def participation_milestones(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick off a service's milestones (the same checklist the service's page shows)."""
    participation = _participation_to_track(request, pk)
    checklist = queries.milestones_by_stage(participation)
    form = forms.MilestoneChecklistForm(
        _posted(request), participation=participation, checklist=checklist
    )
    if request.method == "POST" and form.is_valid():
        try:
            ticked, unticked = services.milestone_checklist_update(
                participation=participation,
                recorded_by=request.user,
                done=form.cleaned_data["done"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if ticked or unticked:
                messages.success(
                    request,
                    f"Checklist saved: {ticked} newly done, {unticked} marked not done.",
                )
            else:
                messages.info(request, "Nothing had changed on the checklist.")
            return redirect(_participation_url(participation) + "#milestones")
    return render(
        request,
        "commissioning/participation_milestones.html",
        {
            "form": form,
            "participation": participation,
            "checklist": checklist,
            "has_milestones": any(milestones for _, _, milestones in checklist),
            "selected": {str(v) for v in (form["done"].value() or [])},
        },
    )


@login_required
def stage_advance(request: HttpRequest, pk: int) -> HttpResponse:
    participation = _participation_to_track(request, pk)
    form = forms.StageAdvanceForm(
        _posted(request), initial={"from_stage": participation.current_stage}
    )
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, forms.OUT_OF_DATE)
            return redirect(_participation_url(participation))
        try:
            record = services.stage_advance(
                participation=participation,
                moved_by=request.user,
                from_stage=form.cleaned_data["from_stage"],
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(
                request,
                f"{participation.service.name} moved to "
                f"{record.get_stage_display().lower()} on {record.started_on:%d/%m/%Y}.",
            )
        return redirect(_participation_url(participation))
    progress = queries.stage_progress([participation])[participation.pk]
    return render(
        request,
        "commissioning/stage_advance.html",
        {
            "form": form,
            "participation": participation,
            "current": queries.current_stage_of(progress),
            "next_stage": _next_stage_label(participation),
        },
    )


# --- Invitations ---------------------------------------------------------------------------------


@login_required
def invitation_create(request: HttpRequest, pk: int) -> HttpResponse:
    participation = queries.get_participation_for_user(request.user, pk)
    if not queries.may_set_up_programme(request.user, participation.programme):
        raise PermissionDenied("Only the programme's commissioners invite service managers.")
    form = forms.InvitationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _ = services.invitation_send(
                participation=participation,
                email=form.cleaned_data["email"],
                invited_by=request.user,
                link_for=lambda token: request.build_absolute_uri(
                    reverse("commissioning:invitation_accept", args=[token])
                ),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            expires = timezone.localtime(invitation.expires_at)
            messages.success(
                request,
                f"Invitation sent to {invitation.email}. The link works once and expires on "
                f"{expires:%d/%m/%Y}.",
            )
            return redirect(_participation_url(participation) + "#managers")
    return render(
        request,
        "commissioning/invitation_form.html",
        {
            "form": form,
            "participation": participation,
            "managers": queries.participation_managers(participation),
        },
    )


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Open to anyone with the link: it is the proof of being invited. Creates an account
    for the invited email, or adds the person signed in."""
    invitation = queries.invitation_by_token(token)
    if invitation is None:
        return render(request, "commissioning/invitation_invalid.html", status=404)
    if invitation.is_used or invitation.is_expired():
        return render(
            request,
            "commissioning/invitation_invalid.html",
            {"invitation": invitation},
            status=410,
        )
    signed_in = request.user.is_authenticated
    has_account = not signed_in and queries.account_exists(invitation.email)
    form = None if signed_in or has_account else forms.AcceptInvitationForm(_posted(request))
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            if signed_in:
                user = services.invitation_accept(token=token, user=request.user)
            elif form is not None:
                user = services.invitation_accept(
                    token=token,
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    password=form.cleaned_data["password1"],
                )
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                raise ValidationError("Sign in to accept this invitation.")
        except ValidationError as error:
            if form is None:
                _refused(request, error)
                return redirect(request.path)
            _add_errors(form, error)
        else:
            service = invitation.participation.service
            messages.success(
                request,
                f"Welcome, {user.first_name or user.username}. You now manage {service.name}: "
                f"start with its agreement for {invitation.participation.programme.name}.",
            )
            return redirect(_participation_url(invitation.participation))
    return render(
        request,
        "commissioning/invitation_accept.html",
        {"invitation": invitation, "form": form, "has_account": has_account},
    )


# --- Agreements ----------------------------------------------------------------------------------


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The latest version of a service's agreement (or ?version=N), its sign-off, versions
    and comments."""
    participation = queries.get_participation_for_user(request.user, pk)
    versions = queries.agreement_versions(participation)
    agreement = queries.pick_version(versions, _int_param(request, "version"))
    latest = versions[0] if versions else None
    comments = queries.agreement_comments([agreement] if agreement else [])
    shown_comments = comments.get(agreement.pk, []) if agreement else []
    is_latest = agreement is not None and agreement == latest
    sides = queries.sides_user_may_sign(request.user, participation)
    can_sign = []
    if is_latest and agreement and agreement.status == Agreement.Status.AWAITING:
        can_sign = [side for side in sides if getattr(agreement, f"{side}_signed_at") is None]
    return render(
        request,
        "commissioning/agreement_detail.html",
        {
            "participation": participation,
            "programme": participation.programme,
            "agreement": agreement,
            "latest": latest,
            "is_latest": is_latest,
            "versions": versions,
            "sections": queries.agreement_sections(agreement) if agreement else [],
            "comments": shown_comments,
            "sent_back": queries.latest_send_back(shown_comments),
            "may_edit": queries.may_edit_agreement(request.user, participation),
            "may_send_back": queries.may_send_back_agreement(request.user, participation)
            and is_latest
            and agreement is not None
            and agreement.status == Agreement.Status.AWAITING,
            "can_sign": can_sign,
            "Status": Agreement.Status,
        },
    )


def _agreement_to_edit(request: HttpRequest, pk: int) -> Participation:
    participation = queries.get_participation_for_user(request.user, pk)
    if not queries.may_edit_agreement(request.user, participation):
        raise PermissionDenied("The service's managers write the agreement.")
    return participation


@login_required
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    participation = _agreement_to_edit(request, pk)
    current = queries.latest_agreement(participation)
    initial = {"revision": current.revision if current else 0}
    if current is not None:
        initial["pressure_tags"] = list(current.pressure_tags.all())
    form = forms.AgreementForm(_posted(request), instance=current, initial=initial)
    conflict = None
    if request.method == "POST" and not form.is_valid():
        if form.revision_invalid:
            _bring_up_to_date(form, queries.latest_agreement(participation))
    elif request.method == "POST":
        try:
            saved = services.agreement_update(
                participation=participation,
                changed_by=request.user,
                revision=form.cleaned_data["revision"],
                values=form.values(),
                pressure_tags=form.cleaned_data["pressure_tags"],
            )
        except ValidationError as error:
            if _is_conflict(error):
                # Keep everything typed; carry the current revision so saving again keeps
                # these changes, and show the agreement as it is now beside them. (Read
                # afresh: validating the form wrote the typed values onto ``current``.)
                conflict = queries.latest_agreement(participation)
                _bring_up_to_date(form, conflict)
                form.add_error(None, forms.OUT_OF_DATE_EDITING)
            else:
                _add_errors(form, error)
        else:
            _saved_message(request, saved)
            return redirect(_agreement_url(participation))
    return render(
        request,
        "commissioning/agreement_form.html",
        {
            "form": form,
            "participation": participation,
            "agreement": current,
            "conflict": conflict,
            "conflict_sections": queries.agreement_sections(conflict) if conflict else [],
        },
    )


def _saved_message(request: HttpRequest, saved: services.AgreementSaved) -> None:
    agreement = saved.agreement
    if saved.outcome == "unchanged":
        messages.info(request, "Nothing had changed, so nothing was saved.")
    elif saved.outcome == "created":
        messages.success(
            request, "Agreement saved as a draft. Submit it for sign-off when it is ready."
        )
    elif saved.outcome == "new_version":
        messages.success(
            request,
            f"Your changes start version {agreement.version}, awaiting sign-off by both sides "
            f"again. Version {agreement.version - 1} stays as it was agreed.",
        )
    elif saved.signatures_cleared:
        messages.warning(
            request,
            "Agreement saved. The signatures already given were cleared: both sides sign the "
            "new wording.",
        )
    else:
        messages.success(request, "Agreement saved.")


def _latest_or_none(participation: Participation) -> Agreement | None:
    return queries.latest_agreement(participation)


def _bring_up_to_date(form: Form, agreement: Agreement | None) -> None:
    """Show a form again with what was typed, but carrying the current revision, so that
    sending it again (after checking the latest version) goes through."""
    form.data = form.data.copy()
    form.data["revision"] = str(agreement.revision if agreement else 0)


def _agreement_action(
    request: HttpRequest,
    participation: Participation,
    form: forms.RevisionMixin,
    template: str,
    act,
    extra: dict | None = None,
) -> HttpResponse:
    """The shared shape of submit, sign and send back: a confirmation page on GET; on POST
    the service call, then back to the agreement with a message. Forms with something
    typed in (the reason for sending back) are shown again on refusal, nothing lost."""
    agreement = _latest_or_none(participation)
    typed = bool(form.fields.keys() - {"revision", "side"})
    if request.method == "POST":
        if agreement is None:
            messages.error(request, "There is no agreement yet.")
            return redirect(_agreement_url(participation))
        if not form.is_valid():
            if not typed:
                messages.error(request, forms.OUT_OF_DATE)
                return redirect(_agreement_url(participation))
            if form.revision_invalid:
                _bring_up_to_date(form, agreement)
        else:
            try:
                message = act(agreement, form.cleaned_data)
            except ValidationError as error:
                if not typed:
                    _refused(request, error)
                    return redirect(_agreement_url(participation))
                if _is_conflict(error):
                    _bring_up_to_date(form, agreement)
                _add_errors(form, error)
            else:
                messages.success(request, message)
                return redirect(_agreement_url(participation))
    return render(
        request,
        template,
        {
            "form": form,
            "participation": participation,
            "agreement": agreement,
            "sections": queries.agreement_sections(agreement) if agreement else [],
            "Status": Agreement.Status,
            **(extra or {}),
        },
    )


@login_required
def agreement_submit(request: HttpRequest, pk: int) -> HttpResponse:
    participation = _agreement_to_edit(request, pk)
    agreement = _latest_or_none(participation)
    form = forms.AgreementActionForm(
        _posted(request), initial={"revision": agreement.revision if agreement else 0}
    )

    def act(agreement: Agreement, data: dict) -> str:
        services.agreement_submit(
            agreement=agreement, submitted_by=request.user, revision=data["revision"]
        )
        return "Agreement submitted for sign-off. The commissioner has been asked to review it."

    return _agreement_action(
        request, participation, form, "commissioning/agreement_submit.html", act
    )


@login_required
def agreement_sign(request: HttpRequest, pk: int) -> HttpResponse:
    participation = queries.get_participation_for_user(request.user, pk)
    agreement = _latest_or_none(participation)
    sides = queries.sides_user_may_sign(request.user, participation)
    wanted = request.GET.get("side")
    unsigned = [
        s for s in sides if agreement is not None and getattr(agreement, f"{s}_signed_at") is None
    ]
    side = wanted if wanted in sides else (unsigned or sides or ["commissioner"])[0]
    form = forms.SignForm(
        _posted(request),
        initial={"revision": agreement.revision if agreement else 0, "side": side},
    )

    def act(agreement: Agreement, data: dict) -> str:
        signed = services.agreement_sign(
            agreement=agreement,
            signed_by=request.user,
            side=data["side"],
            revision=data["revision"],
        )
        who = "the commissioner" if data["side"] == "commissioner" else "the service manager"
        if signed.status == Agreement.Status.AGREED:
            return f"You signed version {signed.version} as {who}. It is now agreed by both sides."
        return f"You signed version {signed.version} as {who}. It now awaits the other side."

    return _agreement_action(
        request,
        participation,
        form,
        "commissioning/agreement_sign.html",
        act,
        {
            "side": side,
            "sides": sides,
            "already_signed": agreement is not None
            and getattr(agreement, f"{side}_signed_at") is not None,
        },
    )


@login_required
def agreement_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    participation = queries.get_participation_for_user(request.user, pk)
    if not queries.may_send_back_agreement(request.user, participation):
        raise PermissionDenied("The programme's commissioners review agreements.")
    agreement = _latest_or_none(participation)
    form = forms.SendBackForm(
        _posted(request), initial={"revision": agreement.revision if agreement else 0}
    )

    def act(agreement: Agreement, data: dict) -> str:
        services.agreement_send_back(
            agreement=agreement,
            sent_back_by=request.user,
            reason=data["reason"],
            revision=data["revision"],
        )
        return "Agreement sent back to the service with your reason."

    return _agreement_action(
        request, participation, form, "commissioning/agreement_send_back.html", act
    )


@login_required
def agreement_comment(request: HttpRequest, pk: int) -> HttpResponse:
    participation = queries.get_participation_for_user(request.user, pk)
    agreement = _latest_or_none(participation)
    form = forms.CommentForm(_posted(request))
    if request.method == "POST" and agreement is None:
        messages.error(request, "There is no agreement to comment on yet.")
        return redirect(_agreement_url(participation))
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_comment(
                agreement=agreement, author=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Comment added.")
            return redirect(_agreement_url(participation) + "#comments")
    return render(
        request,
        "commissioning/agreement_comment.html",
        {"form": form, "participation": participation, "agreement": agreement},
    )


@login_required
def agreement_changes(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed between two versions (by default the latest and the one before)."""
    participation = queries.get_participation_for_user(request.user, pk)
    versions = queries.agreement_versions(participation)
    after = queries.pick_version(versions, _int_param(request, "to")) if versions else None
    before = None
    if after is not None:
        wanted = _int_param(request, "from")
        if wanted is None:
            earlier = [v for v in versions if v.version < after.version]
            before = earlier[0] if earlier else None
        else:
            before = queries.pick_version(versions, wanted)
    changes = queries.agreement_changes(before, after) if before and after else []
    show_all = request.GET.get("all") == "1"
    changed = [c for c in changes if c.changed]
    return render(
        request,
        "commissioning/agreement_changes.html",
        {
            "participation": participation,
            "versions": versions,
            "before": before,
            "after": after,
            "rows": changes if show_all else changed,
            "changed_count": len(changed),
            "unchanged_count": len(changes) - len(changed),
            "show_all": show_all,
        },
    )


# --- Services ------------------------------------------------------------------------------------


@login_required
def my_service(request: HttpRequest) -> HttpResponse:
    """The service manager's home: their (first) service."""
    service_ids = sorted(roles_for(request.user).managed_service_ids)
    if not service_ids:
        raise Http404("You do not manage a service.")
    return redirect("commissioning:service_detail", pk=service_ids[0])


@login_required
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = queries.get_service_for_user(request.user, pk)
    participations = queries.participations_with_progress(
        queries.participations_visible_to(request.user).filter(service=service)
    )
    staff = (
        staff_visible_to(request.user)
        .filter(service=service, is_active=True)
        .select_related("line_manager")
        .order_by("role", "full_name")
    )
    return render(
        request,
        "commissioning/service_detail.html",
        {
            "service": service,
            "participations": participations,
            "staff": staff,
            "compliance": compliance_for_service(service),
        },
    )


# --- Professional standards ----------------------------------------------------------------------


@login_required
def standards_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = queries.get_programme_for_user(request.user, pk)
    standards = services.standards_ensure(programme=programme)
    return render(
        request,
        "commissioning/standards_detail.html",
        {
            "programme": programme,
            "standards": standards,
            "explained": queries.standards_explained(standards),
            "cadence": queries.cadence_explained(queries.cadence_rules_of(standards)),
            "may_set_up": queries.may_set_up_programme(request.user, programme),
        },
    )


def _rule_initial(standards) -> list[dict]:
    return [
        {
            "supervision_type": rule.supervision_type,
            "newly_qualified": rule.newly_qualified,
            "from_week": rule.from_week,
            "to_week": rule.to_week,
            "interval_days": rule.interval_days,
        }
        for rule in queries.cadence_rules_of(standards)
    ]


@login_required
def standards_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme_to_set_up(request, pk)
    standards = services.standards_ensure(programme=programme)
    form = forms.StandardsForm(_posted(request), instance=standards)
    formset = forms.CadenceRuleFormSet(
        _posted(request), initial=_rule_initial(standards), prefix="rules"
    )
    cadence_errors: list[str] = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        rules = [
            services.RuleValues(
                supervision_type=row["supervision_type"],
                newly_qualified=row.get("newly_qualified", False),
                from_week=row["from_week"],
                to_week=row.get("to_week"),
                interval_days=row["interval_days"],
            )
            for row in formset.cleaned_data
            if row and not row.get("DELETE")
        ]
        values = {name: form.cleaned_data[name] for name in services.STANDARD_FIELDS}
        try:
            services.standards_update(
                standards=standards, updated_by=request.user, values=values, rules=rules
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                cadence_errors = [m for e in error.error_dict.pop("cadence", []) for m in e]
                if error.error_dict:
                    _add_errors(form, error)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, "Standards saved.")
            return redirect("commissioning:standards_detail", pk=programme.pk)
    return render(
        request,
        "commissioning/standards_form.html",
        {
            "programme": programme,
            "form": form,
            "formset": formset,
            "cadence_errors": cadence_errors,
        },
    )


# --- Resource library ----------------------------------------------------------------------------


@login_required
def resource_list(request: HttpRequest) -> HttpResponse:
    resources = queries.resources_visible_to(request.user)
    return render(
        request,
        "commissioning/resource_list.html",
        {
            "resources": resources.select_related("organisation").order_by("title"),
            "share": queries.resources_current_share(resources),
            "today": timezone.localdate(),
            "may_add": queries.resource_organisations_of(request.user).exists()
            and not _is_staff_member_only(request),
        },
    )


def _is_staff_member_only(request: HttpRequest) -> bool:
    roles = roles_for(request.user)
    return not (roles.is_admin or roles.is_commissioner or roles.is_service_manager)


def _resource_form(request: HttpRequest, resource=None) -> HttpResponse:
    organisations = queries.resource_organisations_of(request.user)
    if _is_staff_member_only(request) or not organisations.exists():
        raise Http404("You do not look after a resource library.")
    form = forms.ResourceForm(_posted(request), instance=resource, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.resource_save(
                saved_by=request.user,
                organisation=data["organisation"],
                values={name: data[name] for name in services.RESOURCE_FIELDS},
                resource=resource,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"“{saved.title}” saved in the resource library.")
            return redirect("commissioning:resource_list")
    heading = "Add a resource" if resource is None else f"Change “{resource.title}”"
    return render(
        request,
        "commissioning/resource_form.html",
        {"form": form, "heading": heading, "submit_label": "Save resource"},
    )


@login_required
def resource_create(request: HttpRequest) -> HttpResponse:
    return _resource_form(request)


@login_required
def resource_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resource = queries.get_resource_for_user(request.user, pk)
    if _is_staff_member_only(request):
        raise Http404("You do not look after a resource library.")
    return _resource_form(request, resource)
