"""Writes for commissioning: setting up programmes, inviting service managers, the shared
sign-off of agreements, and implementation stages with their milestone checklists.

Every function here is one state change: keyword-only arguments, one transaction, and a
``ValidationError`` with a message for people when the change is refused, in which case
nothing is written. Each change is recorded in the audit trail (the models are registered
with django-auditlog in models.py; the request's user is the actor).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from . import queries
from .models import (
    STAGE_ORDER,
    Agreement,
    AgreementComment,
    CadenceRule,
    Invitation,
    Milestone,
    MilestoneTemplate,
    Organisation,
    Participation,
    PressureTag,
    Programme,
    Resource,
    Service,
    Stage,
    StageRecord,
    Standards,
    SupervisionType,
)

INVITATION_VALID_DAYS = 14

# The checklist a new programme starts with; commissioners edit it on the programme's
# milestones page. (Migration 0004 holds a frozen copy for programmes made before it.)
DEFAULT_MILESTONES: dict[str, tuple[str, ...]] = {
    Stage.EXPLORATION: (
        "Readiness conversation with service leadership",
        "Workforce pressures and constraints recorded",
        "Practice model presented to team managers",
        "Decision to proceed agreed with commissioner",
    ),
    Stage.INSTALLATION: (
        "Co-commissioning agreement signed",
        "Champion screening completed",
        "Baseline measures collected",
        "Wave 1 champions trained",
        "Protected supervision time built into rotas",
    ),
    Stage.INITIAL: (
        "Line managers trained in reflective supervision",
        "First fidelity reflections completed",
        "Post-training measures collected",
        "Monthly implementation group running",
        "Fidelity reflections routine in supervision",
    ),
    Stage.FULL: (
        "Most practitioners using the model day to day",
        "Supervision on cadence for three months running",
        "Practice model in induction for new starters",
        "Wave 2 places agreed",
    ),
    Stage.SUSTAINMENT: (
        "Practice model written into the service's own policies",
        "Champions supporting new starters",
        "Supervision and fidelity reflection part of routine audit",
        "Implementation reviewed a year after full implementation",
    ),
}

# The agreement's content fields, as the service manager edits them.
AGREEMENT_VALUE_FIELDS = (
    "headcount",
    "vacancies",
    "agency_share_percent",
    "typical_caseload",
    "turnover_percent",
    "pressures",
    "protected_supervision_minutes_per_month",
    "cpd_release_hours_per_year",
    "cohort_places_per_wave",
)
# What must be filled in before an agreement can be submitted for sign-off.
REQUIRED_TO_SUBMIT = {
    "headcount": "headcount",
    "vacancies": "vacancies",
    "typical_caseload": "typical caseload",
    "protected_supervision_minutes_per_month": "protected supervision time",
    "cpd_release_hours_per_year": "CPD release hours",
    "cohort_places_per_wave": "cohort places per wave",
}
OUT_OF_DATE = (
    "Someone else changed this agreement after you opened it, so nothing was saved. "
    "The page now shows the latest version: check it and try again."
)


def _name(user: User) -> str:
    return user.get_full_name() or user.username


# --- Programmes ----------------------------------------------------------------------------------


def _check_programme(
    *,
    organisation: Organisation,
    name: str,
    start_date: date,
    end_date: date | None,
    lead_commissioners: Iterable[User],
    programme: Programme | None = None,
) -> None:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Give the programme a name."
    if end_date is not None and end_date < start_date:
        errors["end_date"] = "The end date must be the same as or after the start date."
    clash = Programme.objects.filter(commissioning_organisation=organisation, name=name.strip())
    if programme is not None:
        clash = clash.exclude(pk=programme.pk)
    if name.strip() and clash.exists():
        errors["name"] = f"{organisation} already has a programme called “{name.strip()}”."
    commissioner_ids = set(queries.commissioners_of([organisation.pk]).values_list("id", flat=True))
    if any(user.pk not in commissioner_ids for user in lead_commissioners):
        errors["lead_commissioners"] = f"Lead commissioners must commission for {organisation}."
    if errors:
        raise ValidationError(errors)


def programme_create(
    *,
    created_by: User,
    organisation: Organisation,
    name: str,
    practice_model: str,
    start_date: date,
    end_date: date | None = None,
    description: str = "",
    lead_commissioners: Iterable[User] = (),
) -> Programme:
    """Set up a programme with default standards and the default milestone checklist."""
    lead_commissioners = list(lead_commissioners)
    if organisation.kind != Organisation.Kind.COMMISSIONER:
        raise ValidationError(f"{organisation} is not a commissioning body.")
    if not (
        created_by.is_superuser
        or queries.commissioner_organisations_of(created_by).filter(pk=organisation.pk).exists()
    ):
        raise ValidationError(f"You do not commission for {organisation}.")
    with transaction.atomic():
        _check_programme(
            organisation=organisation,
            name=name,
            start_date=start_date,
            end_date=end_date,
            lead_commissioners=lead_commissioners,
        )
        programme = Programme.objects.create(
            commissioning_organisation=organisation,
            name=name.strip(),
            practice_model=practice_model.strip(),
            description=description.strip(),
            start_date=start_date,
            end_date=end_date,
        )
        programme.lead_commissioners.set(lead_commissioners)
        Standards.objects.create(programme=programme)
        milestone_templates_seed(programme=programme)
    return programme


def programme_update(
    *,
    programme: Programme,
    changed_by: User,
    name: str,
    practice_model: str,
    start_date: date,
    end_date: date | None = None,
    description: str = "",
    lead_commissioners: Iterable[User] = (),
) -> Programme:
    """Change a programme's details (its commissioning body stays the same)."""
    lead_commissioners = list(lead_commissioners)
    if not queries.may_set_up_programme(changed_by, programme):
        raise ValidationError("Only the programme's commissioners can change it.")
    with transaction.atomic():
        _check_programme(
            organisation=programme.commissioning_organisation,
            name=name,
            start_date=start_date,
            end_date=end_date,
            lead_commissioners=lead_commissioners,
            programme=programme,
        )
        programme.name = name.strip()
        programme.practice_model = practice_model.strip()
        programme.description = description.strip()
        programme.start_date = start_date
        programme.end_date = end_date
        programme.save()
        programme.lead_commissioners.set(lead_commissioners)
    return programme


def participation_add(
    *,
    programme: Programme,
    added_by: User,
    service: Service | None = None,
    organisation: Organisation | None = None,
    new_organisation_name: str = "",
    new_service_name: str = "",
) -> Participation:
    """Add a service to a programme: an existing one, or a new one (in an existing or a new
    provider organisation). The service starts in exploration with the programme's
    milestone checklist."""
    if not queries.may_set_up_programme(added_by, programme):
        raise ValidationError("Only the programme's commissioners can add services to it.")
    new_organisation_name = new_organisation_name.strip()
    new_service_name = new_service_name.strip()
    with transaction.atomic():
        if service is None:
            if not new_service_name:
                raise ValidationError(
                    {"new_service_name": "Choose an existing service or name a new one."}
                )
            if organisation is None and not new_organisation_name:
                raise ValidationError(
                    {"organisation": "Choose the provider organisation, or name a new one."}
                )
            if organisation is not None and new_organisation_name:
                raise ValidationError(
                    {
                        "new_organisation_name": (
                            "Choose an organisation or name a new one, not both."
                        )
                    }
                )
            if organisation is None:
                if Organisation.objects.filter(name__iexact=new_organisation_name).exists():
                    raise ValidationError(
                        {
                            "new_organisation_name": (
                                f"There is already an organisation called "
                                f"“{new_organisation_name}”: choose it from the list."
                            )
                        }
                    )
                organisation = Organisation.objects.create(
                    name=new_organisation_name, kind=Organisation.Kind.PROVIDER
                )
            elif organisation.kind != Organisation.Kind.PROVIDER:
                raise ValidationError(
                    {"organisation": "Services belong to provider organisations."}
                )
            service = Service.objects.filter(
                organisation=organisation, name__iexact=new_service_name
            ).first() or Service.objects.create(organisation=organisation, name=new_service_name)
        elif new_service_name or new_organisation_name or organisation is not None:
            raise ValidationError("Choose an existing service or describe a new one, not both.")
        if Participation.objects.filter(programme=programme, service=service).exists():
            raise ValidationError(f"{service.name} already takes part in {programme.name}.")
        today = timezone.localdate()
        participation = Participation.objects.create(
            programme=programme, service=service, current_stage=Stage.EXPLORATION, joined_on=today
        )
        StageRecord.objects.create(
            participation=participation, stage=Stage.EXPLORATION, started_on=today
        )
        Milestone.objects.bulk_create(
            Milestone(
                participation=participation,
                template=template,
                stage=template.stage,
                title=template.title,
                position=template.position,
            )
            for template in programme.milestone_templates.all()
        )
    return participation


# --- Invitations ---------------------------------------------------------------------------------


def invitation_send(
    *,
    participation: Participation,
    email: str,
    invited_by: User | None,
    link_for: Callable[[str], str],
) -> tuple[Invitation, str]:
    """Invite someone by email to manage a service taking part in a programme.

    Returns the invitation and its token; ``link_for(token)`` makes the absolute link the
    email carries. The email goes once the transaction has committed, so a refused or
    rolled-back invitation never sends one.
    """
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "Enter an email address like name@example.org."}) from None
    if invited_by is not None and not queries.may_set_up_programme(
        invited_by, participation.programme
    ):
        raise ValidationError("Only the programme's commissioners can invite service managers.")
    service = participation.service
    if service.managers.filter(email__iexact=email).exists():
        raise ValidationError({"email": f"{email} already manages {service.name}."})
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            participation=participation,
            email=email,
            token_hash=queries.hash_token(token),
            invited_by=invited_by,
            created=now,
            expires_at=now + timedelta(days=INVITATION_VALID_DAYS),
        )
        context = {
            "invitation": invitation,
            "service": service,
            "programme": participation.programme,
            "inviter": _name(invited_by) if invited_by else "The Launchpad team",
            "link": link_for(token),
        }
        subject = f"Invitation to co-commission {participation.programme.name} on Launchpad"
        body = render_to_string("commissioning/email/invitation.txt", context)
        transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return invitation, token


def invitation_accept(
    *,
    token: str,
    user: User | None = None,
    first_name: str = "",
    last_name: str = "",
    password: str = "",
) -> User:
    """Use an invitation once: make ``user`` (or a new account for the invited email, with
    this name and password) one of the service's managers. Returns the manager."""
    found = queries.invitation_by_token(token)
    if found is None:
        raise ValidationError("This invitation link is not valid. Check you copied all of it.")
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=found.pk)
        now = timezone.now()
        if invitation.is_used:
            raise ValidationError("This invitation has already been used.")
        if invitation.is_expired(now):
            raise ValidationError(
                f"This invitation expired on {timezone.localtime(invitation.expires_at):%d/%m/%Y}. "
                "Ask the commissioner for a new one."
            )
        if user is None:
            user = _new_account(invitation.email, first_name, last_name, password)
        # The row lock above makes the link single-use: a second request for the same
        # invitation waits here, then finds it used.
        invitation.accepted_at = now
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        found.participation.service.managers.add(user)
    return user


def _new_account(email: str, first_name: str, last_name: str, password: str) -> User:
    errors: dict[str, Any] = {}
    if not first_name.strip():
        errors["first_name"] = "Enter your first name."
    if not last_name.strip():
        errors["last_name"] = "Enter your last name."
    if (
        User.objects.filter(username__iexact=email).exists()
        or User.objects.filter(email__iexact=email).exists()
    ):
        raise ValidationError(
            f"There is already an account for {email}. Sign in, then open the invitation "
            "link again to accept it."
        )
    user = User(
        username=email, email=email, first_name=first_name.strip(), last_name=last_name.strip()
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        errors["password1"] = error.messages
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError(f"There is already an account for {email}.") from None
    return user


# --- Agreements ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementSaved:
    agreement: Agreement
    outcome: str  # "created", "updated", "new_version" or "unchanged"
    signatures_cleared: bool = False


def _lock_latest(participation: Participation) -> Agreement | None:
    """Lock the participation (so changes to its agreement queue up) and return the
    latest version as it is now."""
    Participation.objects.select_for_update().get(pk=participation.pk)
    return (
        Agreement.objects.select_for_update()
        .filter(participation=participation)
        .order_by("-version")
        .first()
    )


def _check_revision(agreement: Agreement | None, revision: int | None) -> None:
    current = agreement.revision if agreement is not None else 0
    if revision != current:
        raise ValidationError(OUT_OF_DATE, code="out_of_date")


def _check_latest(agreement: Agreement, opened: Agreement) -> None:
    if agreement.pk != opened.pk:
        raise ValidationError(
            f"Version {opened.version} has been replaced by version {agreement.version}: "
            "only the latest version can change.",
            code="out_of_date",
        )


def _clear_signatures(agreement: Agreement) -> bool:
    signed = bool(agreement.commissioner_signed_at or agreement.service_manager_signed_at)
    agreement.commissioner_signed_by = agreement.commissioner_signed_at = None
    agreement.service_manager_signed_by = agreement.service_manager_signed_at = None
    return signed


def agreement_update(
    *,
    participation: Participation,
    changed_by: User,
    revision: int | None,
    values: dict[str, Any],
    pressure_tags: Iterable[PressureTag] | None = None,
) -> AgreementSaved:
    """Save the service manager's agreement (workforce snapshot, pressures, expectations).

    ``revision`` is the one the editing page showed (0 when there was no agreement yet);
    if the agreement changed since, nothing is saved. Editing an agreed version starts the
    next version, awaiting sign-off again, and leaves the agreed one as it was. Editing a
    version awaiting sign-off clears any signature already given: it was for other words.
    Fields not in ``values``, and the pressure tags when ``pressure_tags`` is None, stay
    as they are.
    """
    unknown = set(values) - set(AGREEMENT_VALUE_FIELDS)
    if unknown:
        raise ValueError(f"Not agreement fields: {sorted(unknown)}")
    if not queries.may_edit_agreement(changed_by, participation):
        raise ValidationError("Only the service's managers can change its agreement.")
    with transaction.atomic():
        current = _lock_latest(participation)
        _check_revision(current, revision)
        if pressure_tags is not None:
            tags = list({tag.pk: tag for tag in pressure_tags}.values())
        else:
            tags = list(current.pressure_tags.all()) if current is not None else []
        now = timezone.now()
        if current is not None and _same_content(current, values, tags):
            return AgreementSaved(current, "unchanged")
        cleared = False
        if current is None:
            agreement = Agreement(participation=participation, version=1, created=now)
            outcome = "created"
        elif current.status == Agreement.Status.AGREED:
            agreement = Agreement(
                participation=participation,
                version=current.version + 1,
                status=Agreement.Status.AWAITING,
                submitted_by=changed_by,
                submitted_at=now,
                created=now,
            )
            for name in AGREEMENT_VALUE_FIELDS:
                setattr(agreement, name, getattr(current, name))
            outcome = "new_version"
        else:
            agreement = current
            cleared = _clear_signatures(agreement)
            agreement.revision += 1
            outcome = "updated"
        for name, value in values.items():
            setattr(agreement, name, value)
        agreement.full_clean(validate_unique=False, validate_constraints=False)
        agreement.save()
        agreement.pressure_tags.set(tags)
    return AgreementSaved(agreement, outcome, cleared)


def _same_content(agreement: Agreement, values: dict[str, Any], tags: list[PressureTag]) -> bool:
    for name, value in values.items():
        if getattr(agreement, name) != value:
            return False
    return {t.pk for t in agreement.pressure_tags.all()} == {t.pk for t in tags}


def agreement_submit(
    *, agreement: Agreement, submitted_by: User, revision: int | None
) -> Agreement:
    """The service manager submits a draft (or a sent-back) agreement for sign-off."""
    participation = agreement.participation
    if not queries.may_edit_agreement(submitted_by, participation):
        raise ValidationError("Only the service's managers can submit its agreement.")
    with transaction.atomic():
        current = _lock_latest(participation)
        assert current is not None
        _check_latest(current, agreement)
        _check_revision(current, revision)
        if current.status == Agreement.Status.AWAITING:
            raise ValidationError("This agreement is already awaiting sign-off.")
        if current.status == Agreement.Status.AGREED:
            raise ValidationError(
                "This agreement is already agreed. To change it, edit it: that starts a new "
                "version."
            )
        missing = [
            label for name, label in REQUIRED_TO_SUBMIT.items() if getattr(current, name) is None
        ]
        if missing:
            raise ValidationError("Before submitting, fill in the " + _join(missing) + ".")
        current.status = Agreement.Status.AWAITING
        current.submitted_by = submitted_by
        current.submitted_at = timezone.now()
        current.revision += 1
        current.save()
    return current


def agreement_sign(
    *, agreement: Agreement, signed_by: User, side: str, revision: int | None
) -> Agreement:
    """Sign an agreement awaiting sign-off, for the commissioner's or the service's side.

    It is agreed once both sides have signed, by two different people.
    """
    participation = agreement.participation
    sides = {"commissioner": "commissioner", "service_manager": "service manager"}
    if side not in sides:
        raise ValidationError("Choose which side you are signing for.")
    if side not in queries.sides_user_may_sign(signed_by, participation):
        who = (
            f"a commissioner for {participation.programme.commissioning_organisation}"
            if side == "commissioner"
            else f"a manager of {participation.service.name}"
        )
        raise ValidationError(f"Only {who} can sign as the {sides[side]}.")
    with transaction.atomic():
        current = _lock_latest(participation)
        assert current is not None
        _check_latest(current, agreement)
        _check_revision(current, revision)
        if current.status != Agreement.Status.AWAITING:
            raise ValidationError(
                "This agreement is already agreed."
                if current.status == Agreement.Status.AGREED
                else "This agreement has not been submitted for sign-off yet."
            )
        other = "service_manager" if side == "commissioner" else "commissioner"
        if getattr(current, f"{side}_signed_at") is not None:
            signer = getattr(current, f"{side}_signed_by")
            raise ValidationError(
                f"{_name(signer) if signer else 'Someone'} has already signed this version "
                f"as the {sides[side]}."
            )
        if getattr(current, f"{other}_signed_by_id") == signed_by.pk:
            raise ValidationError(
                f"You have already signed as the {sides[other]}. The other side must be "
                "signed by someone else: that is what makes the agreement shared."
            )
        setattr(current, f"{side}_signed_by", signed_by)
        setattr(current, f"{side}_signed_at", timezone.now())
        if current.is_signed_by_both:
            current.status = Agreement.Status.AGREED
        current.revision += 1
        current.save()
    return current


def agreement_send_back(
    *, agreement: Agreement, sent_back_by: User, reason: str, revision: int | None
) -> AgreementComment:
    """A commissioner sends an agreement awaiting sign-off back to the service, with the
    reason. It is then under review; any signature given is cleared."""
    participation = agreement.participation
    reason = (reason or "").strip()
    if not queries.may_send_back_agreement(sent_back_by, participation):
        raise ValidationError("Only the programme's commissioners can send an agreement back.")
    if not reason:
        raise ValidationError({"reason": "Say what needs to change, so the service can act on it."})
    with transaction.atomic():
        current = _lock_latest(participation)
        assert current is not None
        _check_latest(current, agreement)
        _check_revision(current, revision)
        if current.status != Agreement.Status.AWAITING:
            raise ValidationError("Only an agreement awaiting sign-off can be sent back.")
        _clear_signatures(current)
        current.status = Agreement.Status.UNDER_REVIEW
        current.revision += 1
        current.save()
        return AgreementComment.objects.create(
            agreement=current, author=sent_back_by, text=reason, sends_back=True
        )


def agreement_comment(*, agreement: Agreement, author: User, text: str) -> AgreementComment:
    """Add a comment to a version of an agreement (it does not change the agreement)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write a comment first."})
    if not queries.participations_visible_to(author).filter(pk=agreement.participation_id).exists():
        raise ValidationError("You cannot comment on this agreement.")
    with transaction.atomic():
        return AgreementComment.objects.create(agreement=agreement, author=author, text=text)


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


# --- Implementation stages and milestones --------------------------------------------------------


def stage_advance(
    *, participation: Participation, moved_by: User, from_stage: str, on: date | None = None
) -> StageRecord:
    """Move a service on to the next implementation stage, closing the current one.

    Stages run forwards one at a time: a move that skips a stage or goes back is refused
    (a mistaken move is put right in Django admin, where the stage records can be edited).
    ``from_stage`` is the stage the person saw, so a move someone else made meanwhile is
    not repeated.
    """
    if not queries.may_track_implementation(moved_by, participation):
        raise ValidationError("Only the service's managers and commissioners can move stages.")
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = Participation.objects.select_for_update().get(pk=participation.pk)
        if locked.current_stage != from_stage:
            raise ValidationError(
                f"{participation.service.name} has already moved to "
                f"{locked.get_current_stage_display().lower()}."
            )
        position = STAGE_ORDER.index(locked.current_stage)
        if position == len(STAGE_ORDER) - 1:
            raise ValidationError("Sustainment is the last stage: there is no stage after it.")
        next_stage = STAGE_ORDER[position + 1]
        if StageRecord.objects.filter(participation=locked, stage=next_stage).exists():
            raise ValidationError(
                f"{participation.service.name} has already been in "
                f"{dict(Stage.choices)[next_stage].lower()}; a stage can only be entered once."
            )
        current, _ = StageRecord.objects.get_or_create(
            participation=locked,
            stage=locked.current_stage,
            defaults={"started_on": min(locked.joined_on, on)},
        )
        current.completed_on = max(on, current.started_on)
        current.save()
        record = StageRecord.objects.create(
            participation=locked, stage=next_stage, started_on=current.completed_on
        )
        locked.current_stage = next_stage
        locked.save(update_fields=["current_stage"])
        # A service that joined before the checklist had this stage's items gets them now.
        have = set(
            Milestone.objects.filter(participation=locked, stage=next_stage).values_list(
                "title", flat=True
            )
        )
        Milestone.objects.bulk_create(
            Milestone(
                participation=locked,
                template=template,
                stage=next_stage,
                title=template.title,
                position=template.position,
            )
            for template in locked.programme.milestone_templates.filter(stage=next_stage)
            if template.title not in have
        )
        participation.current_stage = next_stage
    return record


def milestone_checklist_update(
    *,
    participation: Participation,
    recorded_by: User,
    done: Iterable[Milestone],
    on: date | None = None,
) -> tuple[int, int]:
    """Record which of a service's milestones are done: those in ``done`` are (dated
    ``on`` if newly done, keeping the date of those already done) and the rest are not.
    Returns how many were ticked and how many unticked."""
    if not queries.may_track_implementation(recorded_by, participation):
        raise ValidationError("Only the service's managers and commissioners can do this.")
    on = on or timezone.localdate()
    done_ids = {m.pk for m in done}
    with transaction.atomic():
        milestones = list(Milestone.objects.select_for_update().filter(participation=participation))
        if done_ids - {m.pk for m in milestones}:
            raise ValidationError("Those milestones are not on this service's checklist.")
        ticked = unticked = 0
        for milestone in milestones:
            is_done = milestone.pk in done_ids
            if is_done and milestone.completed_on is None:
                milestone.completed_on = on
                ticked += 1
            elif not is_done and milestone.completed_on is not None:
                milestone.completed_on = None
                unticked += 1
            else:
                continue
            milestone.save(update_fields=["completed_on"])
    return ticked, unticked


def milestone_templates_seed(*, programme: Programme) -> list[MilestoneTemplate]:
    """Give a programme the default milestone checklist (if it has none yet)."""
    if programme.milestone_templates.exists():
        return list(programme.milestone_templates.all())
    return MilestoneTemplate.objects.bulk_create(
        MilestoneTemplate(programme=programme, stage=stage, title=title, position=position)
        for stage, titles in DEFAULT_MILESTONES.items()
        for position, title in enumerate(titles)
    )


def _open_participations(programme: Programme, stage: str):
    """Participations that have not finished ``stage`` yet: changes to a checklist reach
    them; services past the stage keep the checklist they were scored on."""
    position = STAGE_ORDER.index(stage)
    return programme.participations.filter(current_stage__in=STAGE_ORDER[: position + 1])


def _check_template(programme: Programme, stage: str, title: str, exclude: int | None = None):
    if stage not in STAGE_ORDER:
        raise ValidationError({"stage": "Choose a stage."})
    if not title:
        raise ValidationError({"title": "Describe the milestone."})
    clash = MilestoneTemplate.objects.filter(programme=programme, stage=stage, title__iexact=title)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ValidationError({"title": "That stage already has a milestone with this title."})


def milestone_template_add(
    *, programme: Programme, added_by: User, stage: str, title: str, position: int | None = None
) -> MilestoneTemplate:
    """Add a milestone to a programme's checklist, and to the checklist of every service
    that has not finished that stage."""
    if not queries.may_set_up_programme(added_by, programme):
        raise ValidationError("Only the programme's commissioners can change its checklist.")
    title = (title or "").strip()
    with transaction.atomic():
        _check_template(programme, stage, title)
        if position is None:
            position = (
                max(
                    programme.milestone_templates.filter(stage=stage).values_list(
                        "position", flat=True
                    ),
                    default=-1,
                )
                + 1
            )
        template = MilestoneTemplate.objects.create(
            programme=programme, stage=stage, title=title, position=position
        )
        for participation in _open_participations(programme, stage):
            Milestone.objects.update_or_create(
                participation=participation,
                stage=stage,
                title=title,
                defaults={"template": template, "position": position},
            )
    return template


def milestone_template_update(
    *, template: MilestoneTemplate, changed_by: User, title: str, position: int
) -> MilestoneTemplate:
    """Reword or reorder a checklist milestone; services' copies follow."""
    if not queries.may_set_up_programme(changed_by, template.programme):
        raise ValidationError("Only the programme's commissioners can change its checklist.")
    title = (title or "").strip()
    with transaction.atomic():
        _check_template(template.programme, template.stage, title, exclude=template.pk)
        copies = list(template.milestones.all())
        if (
            Milestone.objects.filter(
                participation_id__in=[m.participation_id for m in copies],
                stage=template.stage,
                title__iexact=title,
            )
            .exclude(template=template)
            .exists()
        ):
            raise ValidationError({"title": "A service already has a milestone with this title."})
        template.title = title
        template.position = position
        template.save()
        for milestone in copies:
            milestone.title = title
            milestone.position = position
            milestone.save(update_fields=["title", "position"])
    return template


def milestone_template_remove(*, template: MilestoneTemplate, removed_by: User) -> int:
    """Take a milestone off the checklist. Services' copies that are not done go too;
    done ones stay, as a record of what was done. Returns how many copies were removed."""
    if not queries.may_set_up_programme(removed_by, template.programme):
        raise ValidationError("Only the programme's commissioners can change its checklist.")
    with transaction.atomic():
        open_copies = list(template.milestones.filter(completed_on__isnull=True))
        for milestone in open_copies:
            milestone.delete()
        template.delete()
    return len(open_copies)


# --- Professional standards ----------------------------------------------------------------------

STANDARD_FIELDS = (
    "min_session_minutes",
    "coaching_interval_days",
    "clinical_supervision_available",
    "cpd_hours_per_year",
    "cpd_pieces_per_year",
    "cpd_peer_reflection_pieces",
    "fidelity_check_interval_days",
    "resource_review_months",
    "small_number_threshold",
)

# A programme's starting cadence: the LGA employer standards' pattern for newly qualified
# staff (weekly for 6 weeks, fortnightly to 26 weeks, then monthly), monthly for everyone
# else, and six-weekly reflective supervision and coaching.
DEFAULT_CADENCE = (
    (SupervisionType.LINE_MANAGEMENT, True, 0, 6, 7),
    (SupervisionType.LINE_MANAGEMENT, True, 6, 26, 14),
    (SupervisionType.LINE_MANAGEMENT, True, 26, None, 30),
    (SupervisionType.LINE_MANAGEMENT, False, 0, None, 30),
    (SupervisionType.REFLECTIVE, False, 0, None, 42),
    (SupervisionType.COACHING, False, 0, None, 42),
)


@dataclass(frozen=True)
class RuleValues:
    supervision_type: str
    newly_qualified: bool
    from_week: int
    to_week: int | None
    interval_days: int

    @property
    def key(self) -> tuple[str, bool, int]:
        return (self.supervision_type, self.newly_qualified, self.from_week)


def standards_ensure(*, programme: Programme) -> Standards:
    """The programme's standards, set up with the defaults the first time they are needed."""
    with transaction.atomic():
        standards, created = Standards.objects.get_or_create(programme=programme)
        if created:
            CadenceRule.objects.bulk_create(
                CadenceRule(
                    standards=standards,
                    supervision_type=kind,
                    newly_qualified=nq,
                    from_week=start,
                    to_week=end,
                    interval_days=interval,
                )
                for kind, nq, start, end, interval in DEFAULT_CADENCE
            )
    return standards


def _who(newly_qualified: bool) -> str:
    return "newly qualified staff" if newly_qualified else "all staff"


def _check_rules(rules: list[RuleValues]) -> None:
    """Each period runs forwards, repeats at least daily, and no two periods for the same
    supervision type and group of staff overlap."""
    errors: list[str] = []
    labels = dict(SupervisionType.choices)
    for rule in rules:
        label = labels.get(rule.supervision_type)
        if label is None:
            errors.append("Choose a supervision type for every cadence rule.")
            continue
        if rule.to_week is not None and rule.to_week <= rule.from_week:
            errors.append(
                f"{label} for {_who(rule.newly_qualified)}: the period must end after it "
                f"starts (week {rule.to_week} is not after week {rule.from_week})."
            )
        if not 1 <= rule.interval_days <= 366:
            errors.append(
                f"{label} for {_who(rule.newly_qualified)}: the interval must be between "
                "1 and 366 days."
            )
    groups: dict[tuple[str, bool], list[RuleValues]] = {}
    for rule in rules:
        groups.setdefault((rule.supervision_type, rule.newly_qualified), []).append(rule)
    for (kind, nq), group in groups.items():
        group.sort(key=lambda r: r.from_week)
        for before, after in zip(group, group[1:], strict=False):
            if before.to_week is None or before.to_week > after.from_week:
                until = "on" if before.to_week is None else f"to week {before.to_week}"
                errors.append(
                    f"{labels.get(kind, kind)} for {_who(nq)}: the period from week "
                    f"{before.from_week} {until} overlaps the one from week {after.from_week}."
                )
    if errors:
        raise ValidationError({"cadence": errors})


@transaction.atomic
def standards_update(
    *,
    standards: Standards,
    updated_by: User,
    values: dict[str, Any],
    rules: Iterable[RuleValues],
) -> Standards:
    """Change a programme's standards and its cadence rules together (all or nothing).

    ``values`` holds the scalar standards (STANDARD_FIELDS); ``rules`` is the complete
    new set of cadence rules: rules not in it are removed. Kept rules (same type, group
    and start week) are changed in place so the audit trail shows what changed.
    """
    if not queries.may_set_up_programme(updated_by, standards.programme):
        raise ValidationError("Only the programme's commissioners can change its standards.")
    rules = list(rules)
    unknown = set(values) - set(STANDARD_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown standards: {', '.join(sorted(unknown))}.")
    standards = Standards.objects.select_for_update().get(pk=standards.pk)
    for name, value in values.items():
        setattr(standards, name, value)
    errors: dict[str, list[str]] = {}
    try:
        standards.full_clean(exclude=["programme"], validate_constraints=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if standards.cpd_peer_reflection_pieces > standards.cpd_pieces_per_year:
        errors.setdefault("cpd_peer_reflection_pieces", []).append(
            "Pieces with peer reflection cannot be more than the CPD pieces a year."
        )
    if standards.small_number_threshold < 2:
        errors.setdefault("small_number_threshold", []).append(
            "The small-number threshold must be at least 2."
        )
    try:
        _check_rules(rules)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    standards.save()
    existing = {
        (r.supervision_type, r.newly_qualified, r.from_week): r
        for r in CadenceRule.objects.filter(standards=standards)
    }
    wanted = {rule.key: rule for rule in rules}
    for key, old in existing.items():
        if key not in wanted:
            old.delete()
    for key, rule in wanted.items():
        found = existing.get(key)
        if found is None:
            CadenceRule.objects.create(
                standards=standards,
                supervision_type=rule.supervision_type,
                newly_qualified=rule.newly_qualified,
                from_week=rule.from_week,
                to_week=rule.to_week,
                interval_days=rule.interval_days,
            )
        elif (found.to_week, found.interval_days) != (rule.to_week, rule.interval_days):
            found.to_week = rule.to_week
            found.interval_days = rule.interval_days
            found.save()
    return standards


# --- Resource library ----------------------------------------------------------------------------

RESOURCE_FIELDS = (
    "title",
    "description",
    "url",
    "evidence_level",
    "source",
    "owner",
    "last_reviewed",
    "review_by",
)


@transaction.atomic
def resource_save(
    *,
    saved_by: User,
    organisation: Organisation,
    values: dict[str, Any],
    resource: Resource | None = None,
) -> Resource:
    """Add a resource to an organisation's library, or change one already there."""
    if not queries.resource_organisations_of(saved_by).filter(pk=organisation.pk).exists():
        raise ValidationError("You cannot add resources to that organisation's library.")
    if (
        resource is not None
        and not queries.resources_visible_to(saved_by).filter(pk=resource.pk).exists()
    ):
        raise ValidationError("You cannot change that resource.")
    resource = resource or Resource()
    resource.organisation = organisation
    for name in RESOURCE_FIELDS:
        if name in values:
            value = values[name]
            setattr(resource, name, value.strip() if isinstance(value, str) else value)
    errors: dict[str, list[str]] = {}
    try:
        resource.full_clean(validate_constraints=False, validate_unique=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if (
        resource.last_reviewed
        and resource.review_by
        and resource.review_by < resource.last_reviewed
    ):
        errors.setdefault("review_by", []).append(
            "The review-by date must be on or after the date it was last reviewed."
        )
    duplicate = Resource.objects.filter(organisation=organisation, title__iexact=resource.title)
    if resource.pk:
        duplicate = duplicate.exclude(pk=resource.pk)
    if resource.title and duplicate.exists():
        errors.setdefault("title", []).append("The library already has a resource with this title.")
    if errors:
        raise ValidationError(errors)
    resource.save()
    return resource
