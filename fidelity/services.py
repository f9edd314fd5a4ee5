"""Writes for fidelity: tool versions, checks, responses and the support they lead to.

Each function checks who may act (PermissionDenied) and what may be saved
(ValidationError) before writing anything, and writes in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from statistics import fmean

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cohorts.models import StaffMember
from commissioning.models import Programme
from core.figures import figures_changed
from core.roles import roles_for

from . import queries
from .models import (
    MAX_ITEMS,
    RATING_MAX,
    RATING_MIN,
    ChallengeTheme,
    FidelityCheck,
    FidelityItem,
    FidelityRating,
    FidelityTool,
    Principle,
    SupportAction,
)

# A support action asked for in a check is due a fortnight later unless the line manager
# changes it: soon enough to help while it still matters.
SUPPORT_DUE_DAYS = 14

DEFAULT_TOOL_NAME = "Trauma-informed practice reflection"
DEFAULT_TOOL_DESCRIPTION = (
    "One question for each principle of the practice model, about a recent piece of "
    "work. About three minutes; for learning and support, not for judging."
)
DEFAULT_ITEMS: list[tuple[str, str]] = [
    (Principle.SAFETY, "The family could tell I was thinking about their safety, body and mind."),
    (Principle.TRUST, "I explained what would happen next and followed through."),
    (Principle.CHOICE, "The family had real choices about how we worked together."),
    (Principle.COLLABORATION, "Decisions were made with the family, not for them."),
    (Principle.EMPOWERMENT, "I named the family's strengths and built on them."),
    (
        Principle.CULTURAL,
        "I took account of the family's culture, identity and past experience of services.",
    ),
]


# --- Tools --------------------------------------------------------------------------------------


def _validate_items(items: list[tuple[str, str]]) -> None:
    if not items:
        raise ValidationError("A reflection tool needs at least one item.")
    if len(items) > MAX_ITEMS:
        raise ValidationError(
            f"A reflection tool has at most {MAX_ITEMS} items, so it stays quick to complete."
        )
    for principle, prompt in items:
        if principle not in Principle.values:
            raise ValidationError(f"“{principle}” is not a principle of the practice model.")
        if not prompt.strip():
            raise ValidationError("Every item needs a prompt.")


@transaction.atomic
def fidelity_tool_publish(
    *,
    programme: Programme,
    by: User | None,
    name: str,
    description: str,
    items: list[tuple[str, str]],
) -> FidelityTool:
    """Publish a new version of the programme's tool and put it in use. Earlier versions
    stay as they were, and the checks done with them keep pointing at them."""
    _validate_items(items)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the tool a name."})
    # Lock the programme's tools so two editors cannot publish the same version number.
    tools = FidelityTool.objects.select_for_update().filter(programme=programme)
    latest = tools.aggregate(v=Max("version"))["v"] or 0
    tools.filter(in_use=True).update(in_use=False)
    tool = FidelityTool.objects.create(
        programme=programme,
        name=name,
        description=description.strip(),
        version=latest + 1,
        in_use=True,
        published_by=by,
    )
    FidelityItem.objects.bulk_create(
        FidelityItem(tool=tool, number=number, principle=principle, prompt=prompt.strip())
        for number, (principle, prompt) in enumerate(items, start=1)
    )
    return tool


def fidelity_tool_publish_default(*, programme: Programme, by: User | None) -> FidelityTool:
    """The default tool: one item per principle of the UK working definition."""
    return fidelity_tool_publish(
        programme=programme,
        by=by,
        name=DEFAULT_TOOL_NAME,
        description=DEFAULT_TOOL_DESCRIPTION,
        items=list(DEFAULT_ITEMS),
    )


@transaction.atomic
def fidelity_tool_use(*, tool: FidelityTool) -> FidelityTool:
    """Put an earlier (or another) published version back in use for new checks."""
    FidelityTool.objects.select_for_update().filter(programme_id=tool.programme_id).exclude(
        pk=tool.pk
    ).update(in_use=False)
    FidelityTool.objects.filter(pk=tool.pk).update(in_use=True)
    tool.in_use = True
    figures_changed()  # the updates above send no signals
    return tool


# --- Checks -------------------------------------------------------------------------------------


def _validate_check(
    *,
    staff: StaffMember,
    kind: str,
    by: User,
    done_on: date,
    items: list[FidelityItem],
    ratings: Mapping[int, int],
    today: date,
) -> None:
    roles = roles_for(by)
    if kind == FidelityCheck.Kind.SELF:
        if staff.pk != roles.staff_id:
            raise PermissionDenied("A self-reflection is your own.")
    else:
        if not queries.observable_staff(by).filter(pk=staff.pk).exists():
            raise ValidationError(
                {"staff": f"{staff.full_name} is not in your team, so you cannot record a check."}
            )
        if kind == FidelityCheck.Kind.SUPERVISION and staff.line_manager_id != roles.staff_id:
            raise ValidationError({"kind": "Only the line manager records a check in supervision."})
    errors: dict[str, str] = {}
    if done_on > today:
        errors["done_on"] = "The date cannot be in the future."
    for item in items:
        value = ratings.get(item.pk)
        if value is None:
            errors[f"item_{item.pk}"] = "Choose how often this showed."
        elif not RATING_MIN <= value <= RATING_MAX:
            errors[f"item_{item.pk}"] = f"Choose a rating from {RATING_MIN} to {RATING_MAX}."
    if set(ratings) - {item.pk for item in items}:
        errors["__all__"] = "A rating was for a question that is not in this tool."
    if errors:
        raise ValidationError(errors)


def _support_for(check: FidelityCheck) -> SupportAction | None:
    """A check asking for support becomes an action for the line manager."""
    if not check.support_wanted or check.staff.line_manager_id is None:
        return None
    if check.support_actions.filter(done_on__isnull=True).exists():
        return None
    reason = check.got_in_the_way.strip()
    description = f"Talk with {check.staff.full_name} about what would help" + (
        f" with: {reason}" if reason else "."
    )
    return SupportAction.objects.create(
        check_record=check,
        staff=check.staff,
        owner_id=check.staff.line_manager_id,
        description=description[:2000],
        due_on=max(check.done_on, timezone.localdate()) + timedelta(days=SUPPORT_DUE_DAYS),
    )


def _save_ratings(check: FidelityCheck, items: list[FidelityItem], ratings: Mapping[int, int]):
    FidelityRating.objects.filter(check_record=check).delete()
    FidelityRating.objects.bulk_create(
        FidelityRating(check_record=check, item=item, rating=ratings[item.pk]) for item in items
    )
    check.mean_rating = fmean(ratings[item.pk] for item in items) if items else None
    check.save(update_fields=["mean_rating"])


@transaction.atomic
def fidelity_check_record(
    *,
    staff: StaffMember,
    tool: FidelityTool,
    kind: str,
    by: User,
    done_on: date,
    ratings: Mapping[int, int],
    went_well: str = "",
    got_in_the_way: str = "",
    support_wanted: bool = False,
    themes: Iterable[ChallengeTheme] = (),
    today: date | None = None,
) -> FidelityCheck:
    """Record a self-reflection, an observation or a check in supervision. Support
    wanted becomes a support action owned by the practitioner's line manager."""
    items = list(tool.items.all())
    _validate_check(
        staff=staff,
        kind=kind,
        by=by,
        done_on=done_on,
        items=items,
        ratings=ratings,
        today=today or timezone.localdate(),
    )
    check = FidelityCheck.objects.create(
        tool=tool,
        staff=staff,
        kind=kind,
        completed_by=by,
        done_on=done_on,
        went_well=went_well.strip(),
        got_in_the_way=got_in_the_way.strip(),
        support_wanted=support_wanted,
    )
    check.themes.set(list(themes))
    _save_ratings(check, items, ratings)
    _support_for(check)
    return check


@transaction.atomic
def fidelity_check_update(
    *,
    check: FidelityCheck,
    by: User,
    done_on: date,
    ratings: Mapping[int, int],
    went_well: str = "",
    got_in_the_way: str = "",
    support_wanted: bool = False,
    themes: Iterable[ChallengeTheme] = (),
    today: date | None = None,
) -> FidelityCheck:
    """Correct a check, with the same tool version it was done with. Only whoever
    completed it may."""
    if not queries.may_edit_check(by, check):
        raise PermissionDenied("Only the person who completed this check can change it.")
    items = list(check.tool.items.all())
    _validate_check(
        staff=check.staff,
        kind=check.kind,
        by=by,
        done_on=done_on,
        items=items,
        ratings=ratings,
        today=today or timezone.localdate(),
    )
    check.done_on = done_on
    check.went_well = went_well.strip()
    check.got_in_the_way = got_in_the_way.strip()
    check.support_wanted = support_wanted
    check.save(update_fields=["done_on", "went_well", "got_in_the_way", "support_wanted"])
    check.themes.set(list(themes))
    _save_ratings(check, items, ratings)
    _support_for(check)
    return check


@transaction.atomic
def fidelity_check_respond(*, check: FidelityCheck, by: User, response: str) -> FidelityCheck:
    """The practitioner's reply to an observation or a check in supervision."""
    if not queries.may_respond_to_check(by, check):
        raise PermissionDenied("Only the practitioner responds to a check about them.")
    response = response.strip()
    if not response:
        raise ValidationError({"response": "Write your response, or go back."})
    check.response = response
    check.responded_at = timezone.now()
    check.save(update_fields=["response", "responded_at"])
    return check


# --- Support actions ----------------------------------------------------------------------------


@transaction.atomic
def support_action_update(
    *, action: SupportAction, by: User, description: str, due_on: date
) -> SupportAction:
    """The line manager says what will help and by when."""
    if not queries.may_manage_support_action(by, action):
        raise PermissionDenied("Only the line manager changes this support action.")
    description = description.strip()
    if not description:
        raise ValidationError({"description": "Say what will help."})
    action.description = description
    action.due_on = due_on
    action.save(update_fields=["description", "due_on"])
    return action


@transaction.atomic
def support_action_complete(
    *, action: SupportAction, by: User, today: date | None = None
) -> SupportAction:
    """Mark the support given. Done twice is still done once (the first date stays)."""
    if not queries.may_manage_support_action(by, action):
        raise PermissionDenied("Only the line manager marks this support action done.")
    locked = SupportAction.objects.select_for_update().get(pk=action.pk)
    if locked.done_on is None:
        locked.done_on = today or timezone.localdate()
        locked.save(update_fields=["done_on"])  # save(), not update(): the audit trail sees it
    action.done_on = locked.done_on
    return action
