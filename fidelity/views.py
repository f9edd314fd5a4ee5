"""Fidelity pages: thin views over queries.py (reads; 404 for what a user may not see)
and services.py (writes; 403 where someone may see a thing but not change it)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from cohorts.models import StaffMember
from commissioning.queries import get_programme_for_user, may_set_up_programme
from core.roles import roles_for

from . import queries, services
from .forms import CheckForm, ResponseForm, SupportActionForm, ToolForm, ToolUseForm
from .models import FidelityCheck

RECENT_CHECKS = 20


def _posted(request: HttpRequest):
    """The form data on a POST, even an empty one (which must show errors, not a blank form)."""
    return request.POST if request.method == "POST" else None


def _show_errors(form, error: ValidationError) -> None:
    """A service's refusal, next to the field it is about where the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- The programme's reflection tool -------------------------------------------------------------


@login_required
def tool_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The tool in use and every published version. Its commissioners (and admins) pick
    the version in use or publish the default; service managers may read it."""
    programme = get_programme_for_user(request.user, pk)
    may_edit = may_set_up_programme(request.user, programme)
    versions = queries.tool_versions(programme)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("Only the programme's commissioners change its tool.")
        if request.POST.get("default"):
            if versions.exists():
                messages.error(request, "This programme already has a tool: edit it instead.")
            else:
                services.fidelity_tool_publish_default(programme=programme, by=request.user)
                messages.success(request, "The default reflection tool is now in use.")
            return redirect("fidelity:tool_detail", pk=programme.pk)
        use_form = ToolUseForm(request.POST, programme_tools=versions)
        if use_form.is_valid():
            tool = services.fidelity_tool_use(tool=use_form.cleaned_data["tool"])
            messages.success(request, f"New checks now use {tool}.")
        else:
            messages.error(request, "Choose a version from the list.")
        return redirect("fidelity:tool_detail", pk=programme.pk)
    tool = queries.tool_in_use(programme.pk)
    versions = list(versions)
    return render(
        request,
        "fidelity/tool_detail.html",
        {
            "programme": programme,
            "tool": tool,
            "versions": versions,
            "may_edit": may_edit,
            "use_form": ToolUseForm(
                initial={"tool": tool}, programme_tools=queries.tool_versions(programme)
            )
            if may_edit and len(versions) > 1
            else None,
        },
    )


@login_required
def tool_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the tool: saving publishes the next version and puts it in use. Checks done
    with earlier versions keep them."""
    programme = get_programme_for_user(request.user, pk)
    if not may_set_up_programme(request.user, programme):
        raise PermissionDenied("Only the programme's commissioners change its tool.")
    current = queries.tool_in_use(programme.pk)
    form = ToolForm(_posted(request), tool=current)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            tool = services.fidelity_tool_publish(
                programme=programme,
                by=request.user,
                name=data["name"],
                description=data["description"],
                items=data["items"],
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, f"Published {tool}. New checks use it from now on.")
            return redirect("fidelity:tool_detail", pk=programme.pk)
    return render(
        request,
        "fidelity/tool_form.html",
        {"programme": programme, "current": current, "form": form},
    )


# --- Reflections -----------------------------------------------------------------------------


@login_required
def reflections(request: HttpRequest) -> HttpResponse:
    """A person's own checks, the checks about their team (line managers) or that they
    completed for colleagues, and the support actions they can see."""
    roles = roles_for(request.user)
    if not roles.staff_id:
        raise Http404("You have no staff record.")
    return render(
        request,
        "fidelity/reflections.html",
        {
            "summary": queries.reflections_for(request.user),
            "mine": queries.my_checks(request.user)[:RECENT_CHECKS],
            "team": queries.team_checks(request.user)[:RECENT_CHECKS],
            "open_actions": queries.open_support_actions(request.user),
            "done_actions": queries.done_support_actions(request.user)[:10],
            "may_observe": queries.observable_staff(request.user).exists(),
        },
    )


def _record(request: HttpRequest, form: CheckForm, *, tool, staff, kind) -> FidelityCheck | None:
    data = form.cleaned_data
    try:
        return services.fidelity_check_record(
            staff=staff,
            tool=tool,
            kind=kind,
            by=request.user,
            done_on=data["done_on"],
            ratings=form.ratings(),
            went_well=data["went_well"],
            got_in_the_way=data["got_in_the_way"],
            support_wanted=data["support_wanted"],
            themes=data["themes"],
        )
    except ValidationError as error:
        _show_errors(form, error)
        return None


def _saved(request: HttpRequest, check: FidelityCheck) -> HttpResponse:
    text = f"Saved: {check.get_kind_display().lower()} on {check.done_on:%d/%m/%Y}."
    if check.support_wanted and check.staff.line_manager_id:
        text += " A support action is now with the line manager."
    messages.success(request, text)
    return redirect("fidelity:check_detail", pk=check.pk)


@login_required
def check_new(request: HttpRequest) -> HttpResponse:
    """The practitioner's self-reflection: mostly taps, about three minutes."""
    roles = roles_for(request.user)
    if not roles.staff_id:
        raise Http404("You have no staff record.")
    tool = queries.tool_for_service(roles.staff_service_id)
    form = None
    if tool is not None:
        form = CheckForm(
            _posted(request), items=list(tool.items.all()), themes=queries.themes_offered()
        )
        if request.method == "POST" and form.is_valid():
            staff = StaffMember.objects.get(pk=roles.staff_id)
            check = _record(request, form, tool=tool, staff=staff, kind=FidelityCheck.Kind.SELF)
            if check is not None:
                return _saved(request, check)
    return render(
        request,
        "fidelity/check_form.html",
        {"form": form, "tool": tool, "heading": "Reflect on your practice", "self_check": True},
    )


@login_required
def observation_new(request: HttpRequest) -> HttpResponse:
    """A peer or the line manager records an observation (or, the line manager, a check
    in supervision) with the same tool. The practitioner sees it and can respond."""
    roles = roles_for(request.user)
    if not roles.staff_id:
        raise Http404("You have no staff record.")
    team = queries.observable_staff(request.user)
    tool = queries.tool_for_service(roles.staff_service_id)
    form = None
    if tool is not None:
        kind_choices = [(FidelityCheck.Kind.PEER.value, FidelityCheck.Kind.PEER.label)]
        if roles.is_line_manager:
            kind_choices.append(
                (FidelityCheck.Kind.SUPERVISION.value, FidelityCheck.Kind.SUPERVISION.label)
            )
        initial = {}
        if request.GET.get("staff", "").isdigit():
            initial["staff"] = request.GET["staff"]
        form = CheckForm(
            _posted(request),
            items=list(tool.items.all()),
            themes=queries.themes_offered(),
            staff_choices=team,
            kind_choices=kind_choices,
            initial=initial,
        )
        if request.method == "POST" and form.is_valid():
            check = _record(
                request,
                form,
                tool=tool,
                staff=form.cleaned_data["staff"],
                kind=form.cleaned_data["kind"],
            )
            if check is not None:
                return _saved(request, check)
    return render(
        request,
        "fidelity/check_form.html",
        {"form": form, "tool": tool, "heading": "Record an observation", "self_check": False},
    )


@login_required
def check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    check = queries.get_check_for_user(request.user, pk)
    return render(
        request,
        "fidelity/check_detail.html",
        {
            "check": check,
            "may_edit": queries.may_edit_check(request.user, check),
            "may_respond": queries.may_respond_to_check(request.user, check),
        },
    )


@login_required
def check_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Whoever completed a check corrects it (same tool version); anyone else who may see
    it gets 403."""
    check = queries.get_check_for_user(request.user, pk)
    if not queries.may_edit_check(request.user, check):
        raise PermissionDenied("Only the person who completed this check can change it.")
    form = CheckForm(
        _posted(request),
        items=[rating.item for rating in check.ratings.all()] or list(check.tool.items.all()),
        themes=queries.themes_for(check),
        check=check,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            check = services.fidelity_check_update(
                check=check,
                by=request.user,
                done_on=data["done_on"],
                ratings=form.ratings(),
                went_well=data["went_well"],
                got_in_the_way=data["got_in_the_way"],
                support_wanted=data["support_wanted"],
                themes=data["themes"],
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Your changes are saved.")
            return redirect("fidelity:check_detail", pk=check.pk)
    return render(
        request,
        "fidelity/check_form.html",
        {
            "form": form,
            "tool": check.tool,
            "check": check,
            "heading": f"Change {check.get_kind_display().lower()}",
            "self_check": check.kind == FidelityCheck.Kind.SELF,
        },
    )


@login_required
def check_respond(request: HttpRequest, pk: int) -> HttpResponse:
    """The practitioner adds their response to an observation or supervision check."""
    check = queries.get_check_for_user(request.user, pk)
    if not queries.may_respond_to_check(request.user, check):
        raise PermissionDenied("Only the practitioner responds to a check about them.")
    form = ResponseForm(_posted(request), initial={"response": check.response})
    if request.method == "POST" and form.is_valid():
        try:
            services.fidelity_check_respond(
                check=check, by=request.user, response=form.cleaned_data["response"]
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Your response is saved.")
            return redirect("fidelity:check_detail", pk=check.pk)
    return render(request, "fidelity/check_respond.html", {"check": check, "form": form})


# --- Support actions ----------------------------------------------------------------------------


@login_required
def support_action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Seen by the practitioner and their line manager; the line manager says what will
    help and by when (403 for the practitioner)."""
    action = queries.get_support_action_for_user(request.user, pk)
    may_manage = queries.may_manage_support_action(request.user, action)
    if request.method == "POST" and not may_manage:
        raise PermissionDenied("Only the line manager changes this support action.")
    form = None
    if may_manage and action.done_on is None:
        form = SupportActionForm(
            _posted(request),
            initial={"description": action.description, "due_on": action.due_on},
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.support_action_update(
                    action=action,
                    by=request.user,
                    description=form.cleaned_data["description"],
                    due_on=form.cleaned_data["due_on"],
                )
            except ValidationError as error:
                _show_errors(form, error)
            else:
                messages.success(request, "Support action saved.")
                return redirect("fidelity:support_action_detail", pk=action.pk)
    return render(
        request,
        "fidelity/support_action.html",
        # Not "action": includes/form.html reads that as the form's address.
        {"support": action, "form": form, "may_manage": may_manage},
    )


@login_required
def support_action_done(request: HttpRequest, pk: int) -> HttpResponse:
    action = queries.get_support_action_for_user(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    action = services.support_action_complete(action=action, by=request.user)
    messages.success(
        request, f"Marked done: support for {action.staff.full_name} on {action.done_on:%d/%m/%Y}."
    )
    return redirect("fidelity:support_action_detail", pk=action.pk)
