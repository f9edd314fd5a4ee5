"""What the sweeps need to know about every page, in one place.

The sweeps discover URL patterns from the URL configuration. A pattern they find that
is not described here fails the sweep, so a new page cannot slip past the checks: add it
to ACCESS (who may open it) and, if it takes arguments, to ARGUMENTS.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

ROLES = ("anonymous", "practitioner", "line_manager", "service_manager", "commissioner", "admin")
SIGNED_IN = ROLES[1:]

# Django admin has its own permission system (staff only) and is swept separately.
# Each entry here says why the automatic sweeps skip it.
EXEMPT_PREFIXES = {
    "admin/": "Django admin: guarded by is_staff; tests/quality/test_admin.py covers it",
}

PUBLIC = "public"  # anyone, signed in or not


@dataclass(frozen=True)
class Page:
    route: str
    name: str
    arguments: tuple[str, ...]


def discover_pages() -> list[Page]:
    def walk(patterns, prefix: str, namespace: str | None) -> Iterator[Page]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                full_ns = f"{namespace}:{ns}" if namespace and ns else ns or namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), full_ns)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if any(route.startswith(p) for p in EXEMPT_PREFIXES):
                    continue
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield Page(route, name, tuple(pattern.pattern.converters))

    return list(walk(get_resolver().url_patterns, "", None))


# Commissioning pages: who may open them.
BOTH_SIDES = {"commissioner": 200, "service_manager": 200, "admin": 200}
SETS_UP_PROGRAMME = {"commissioner": 200, "admin": 200, "service_manager": 403}
WRITES_AGREEMENT = {"service_manager": 200, "admin": 200, "commissioner": 403}

# Who may open each page, for the objects that belong to them: role -> status.
# Any signed-in role not listed gets 404; anonymous visitors are sent to sign in unless
# the page is PUBLIC.
ACCESS: dict[str, dict[str, int] | str] = {
    "home": dict.fromkeys(SIGNED_IN, 302),
    "no_role": dict.fromkeys(SIGNED_IN, 200),
    "healthz": PUBLIC,
    "ping": PUBLIC,  # the load test's trivial view: no database
    "ping_signed_in": dict.fromkeys(SIGNED_IN, 200),  # its signed-in yardstick
    "login": PUBLIC,
    "logout": PUBLIC,
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": PUBLIC,
    "password_reset_complete": PUBLIC,
    "password_change": dict.fromkeys(SIGNED_IN, 200),
    "password_change_done": dict.fromkeys(SIGNED_IN, 200),
    # Lists filter to what the user may see, so everyone signed in gets a page.
    "commissioning:programme_list": dict.fromkeys(SIGNED_IN, 200),
    "commissioning:programme_detail": {"commissioner": 200, "service_manager": 200, "admin": 200},
    "commissioning:my_service": {"service_manager": 302},
    "commissioning:service_detail": {
        "commissioner": 200,
        "service_manager": 200,
        "line_manager": 200,
        "practitioner": 200,
        "admin": 200,
    },
    # Setting up a programme is for its commissioners (403 for the service managers, who
    # see the programme); the service's part in it is shared by both sides. The service
    # manager writes the agreement, the commissioner sends it back; both sign.
    "commissioning:programme_create": {"commissioner": 200},
    "commissioning:programme_edit": SETS_UP_PROGRAMME,
    "commissioning:programme_service_add": SETS_UP_PROGRAMME,
    "commissioning:programme_milestones": SETS_UP_PROGRAMME,
    "commissioning:milestone_template_edit": SETS_UP_PROGRAMME,
    "commissioning:milestone_template_remove": SETS_UP_PROGRAMME,
    "commissioning:invitation_create": SETS_UP_PROGRAMME,
    "commissioning:invitation_accept": PUBLIC,  # the link is the proof of being invited
    "commissioning:participation_detail": BOTH_SIDES,
    "commissioning:participation_milestones": BOTH_SIDES,
    "commissioning:stage_advance": BOTH_SIDES,
    "commissioning:agreement_detail": BOTH_SIDES,
    "commissioning:agreement_edit": WRITES_AGREEMENT,
    "commissioning:agreement_submit": WRITES_AGREEMENT,
    "commissioning:agreement_sign": BOTH_SIDES,
    "commissioning:agreement_send_back": SETS_UP_PROGRAMME,
    "commissioning:agreement_comment": BOTH_SIDES,
    "commissioning:agreement_changes": BOTH_SIDES,
    # Standards: both sides read them; the programme's commissioners change them.
    "commissioning:standards_detail": BOTH_SIDES,
    "commissioning:standards_edit": SETS_UP_PROGRAMME,
    # The resource library: commissioners' own, service managers' commissioners'.
    "commissioning:resource_list": dict.fromkeys(SIGNED_IN, 200),
    "commissioning:resource_create": BOTH_SIDES,
    "commissioning:resource_edit": BOTH_SIDES,
    "supervision:my_practice": {"practitioner": 200, "line_manager": 200},
    "supervision:team": {"line_manager": 200},
    # Supervision records are the supervisee's and the supervisor's only (no admin either:
    # DESIGN §3). Confirming is POST only, and 403 for the supervisee (tests/supervision).
    "supervision:cpd_record": {"practitioner": 200, "line_manager": 200},
    "supervision:session_detail": {"practitioner": 200, "line_manager": 200},
    "supervision:session_confirm": {"practitioner": 405, "line_manager": 405},
    "supervision:notifications": dict.fromkeys(SIGNED_IN, 200),
    "supervision:reminder_dismiss": {"practitioner": 405},
    # Champion screening: managers screen; the person screened sees it and reflects (403
    # where they may see the object but not change it).
    "cohorts:screening_list": {"service_manager": 200, "line_manager": 200, "admin": 200},
    "cohorts:screening_edit": {
        "service_manager": 200,
        "line_manager": 200,
        "admin": 200,
        "practitioner": 403,
    },
    "cohorts:my_screening": {"practitioner": 200, "line_manager": 200},
    "cohorts:screening_reflect": {
        "practitioner": 200,
        "admin": 200,
        "line_manager": 403,
        "service_manager": 403,
    },
    # Cohorts: commissioners see places per service (no names) and plan waves; service
    # managers nominate and confirm their own services' people.
    "cohorts:cohort_list": {"commissioner": 200, "service_manager": 200, "admin": 200},
    "cohorts:cohort_detail": {"commissioner": 200, "service_manager": 200, "admin": 200},
    "cohorts:cohort_create": {"commissioner": 200, "admin": 200, "service_manager": 403},
    "cohorts:cohort_edit": {"commissioner": 200, "admin": 200, "service_manager": 403},
    "cohorts:staff_import": {"service_manager": 200, "admin": 200},
    "cohorts:staff_import_preview": {"service_manager": 200, "admin": 200},
    "cohorts:staff_import_template": {"service_manager": 200, "admin": 200},
    "cohorts:staff_import_template_xlsx": {"service_manager": 200, "admin": 200},
    # Fidelity aggregates: above the line manager, figures only, suppressed where small.
    # A service manager sees their own services (also within a programme's page).
    "fidelity:programme_aggregates": BOTH_SIDES,
    "fidelity:programme_aggregates_csv": BOTH_SIDES,
    "fidelity:service_aggregates": BOTH_SIDES,
    "fidelity:service_aggregates_csv": BOTH_SIDES,
    # Fidelity: the programme's tool is read by both sides and changed by its
    # commissioners. A check is the practitioner's and their line manager's (and a peer's
    # who completed it); no admin either (DESIGN §3). Changing a check is for whoever
    # completed it, responding for the practitioner (403 for the other, who sees it).
    "fidelity:tool_detail": BOTH_SIDES,
    "fidelity:tool_edit": SETS_UP_PROGRAMME,
    "fidelity:reflections": {"practitioner": 200, "line_manager": 200},
    "fidelity:check_new": {"practitioner": 200, "line_manager": 200},
    "fidelity:observation_new": {"line_manager": 200, "practitioner": 200},
    "fidelity:check_detail": {"practitioner": 200, "line_manager": 200},
    "fidelity:check_edit": {"practitioner": 200, "line_manager": 403},
    "fidelity:check_respond": {"practitioner": 200, "line_manager": 403},
    "fidelity:support_action_detail": {"line_manager": 200, "practitioner": 200},
    "fidelity:support_action_done": {"line_manager": 405, "practitioner": 405},
    # Measure definitions are not personal: commissioners, service managers and admins read
    # them; commissioners and admins write them (403 for service managers, who see them).
    # Publishing, new versions and removing a point are POST only.
    "outcomes:measure_list": {"commissioner": 200, "service_manager": 200, "admin": 200},
    "outcomes:measure_detail": {"commissioner": 200, "service_manager": 200, "admin": 200},
    "outcomes:measure_export_json": {"commissioner": 200, "service_manager": 200, "admin": 200},
    "outcomes:measure_export_yaml": {"commissioner": 200, "service_manager": 200, "admin": 200},
    "outcomes:measure_create": {"commissioner": 200, "admin": 200},
    "outcomes:measure_edit": {"commissioner": 200, "admin": 200, "service_manager": 403},
    "outcomes:measure_publish": dict.fromkeys(SIGNED_IN, 405),
    "outcomes:measure_new_version": dict.fromkeys(SIGNED_IN, 405),
    # A programme's measurement points: its commissioners set them, service managers read.
    "outcomes:programme_points": SETS_UP_PROGRAMME | {"service_manager": 200},
    "outcomes:point_remove": dict.fromkeys(SIGNED_IN, 405),
    # Completing a measure: the person in the cohort only (DESIGN §3).
    "outcomes:response_complete": {"practitioner": 200},
    # Impact: aggregates only, for those who see the programme, service or cohort as a
    # whole (line managers and practitioners see their own responses, not these).
    "outcomes:programme_impact": BOTH_SIDES,
    "outcomes:service_impact": BOTH_SIDES,
    "outcomes:cohort_impact": BOTH_SIDES,
    # Service indicators: both sides read them; the service's managers record them.
    "outcomes:indicator_list": BOTH_SIDES,
    "outcomes:indicator_template": BOTH_SIDES,
    "outcomes:indicator_create": WRITES_AGREEMENT,
    "outcomes:indicator_upload": WRITES_AGREEMENT,
    "outcomes:indicator_value_record": WRITES_AGREEMENT,
    # Dashboards: the programme's for both sides (a service manager sees their own
    # services' rows), a service's for its managers and commissioners, the team's for its
    # line manager. Producing a report is POST only (405 here, after the 404 lookup); the
    # programme report is its commissioners' (403 on POST for service managers, tested in
    # tests/reports). Produced reports: whoever may produce them.
    "reports:programme_dashboard": BOTH_SIDES,
    "reports:programme_export": BOTH_SIDES,
    "reports:service_dashboard": BOTH_SIDES,
    "reports:service_export": BOTH_SIDES,
    "reports:team_dashboard": {"line_manager": 200},
    "reports:team_export": {"line_manager": 200},
    "reports:programme_report_create": {"commissioner": 405, "service_manager": 405, "admin": 405},
    "reports:service_report_create": {"commissioner": 405, "service_manager": 405, "admin": 405},
    "reports:report_detail": {"commissioner": 200, "admin": 200},
    "reports:report_download": {"commissioner": 200, "admin": 200},
}

# Roles that may also open the *other* programme's or service's object (admins see all).
SEES_EVERYTHING = {"admin"}


def _reset_arguments(world) -> dict:
    return {"uidb64": "MQ", "token": "set-password"}


# The cohort pages' objects. The accessibility sweep calls these with only a programme and
# a service (its demo world), so they find what exists before making anything.
def _cohort_of(programme) -> dict:
    from cohorts.models import Cohort

    cohort = Cohort.objects.filter(programme=programme).order_by("wave").first()
    if cohort is None:
        from tests.factories import CohortFactory

        cohort = CohortFactory(programme=programme)
    return {"pk": cohort.pk}


def _screening_of(staff, programme, screened_by) -> dict:
    from cohorts.models import Screening

    screening, _ = Screening.objects.get_or_create(
        staff=staff, programme=programme, defaults={"screened_by": screened_by}
    )
    return {"pk": screening.pk}


def _own_screening(w) -> dict:
    if not hasattr(w, "practitioner_staff"):  # the accessibility sweep's demo objects
        from cohorts.models import Screening

        found = Screening.objects.filter(programme=w.programme, staff__service=w.service)
        return {"pk": found.order_by("pk").values_list("pk", flat=True).first()}
    return _screening_of(w.practitioner_staff, w.programme, w.line_manager)


# The commissioning pages' objects; like the cohort ones, these work with the
# accessibility sweep's demo objects (a programme and a service) too.
def _participation_of(programme, service) -> dict:
    from commissioning.models import Participation

    return {"pk": Participation.objects.get(programme=programme, service=service).pk}


def _milestone_template_of(programme) -> dict:
    from commissioning.models import MilestoneTemplate

    template = MilestoneTemplate.objects.filter(programme=programme).order_by("pk").first()
    if template is None:
        template = MilestoneTemplate.objects.create(
            programme=programme, stage="exploration", title="Readiness conversation"
        )
    return {"pk": template.pk}


def _resource_of(programme) -> dict:
    from commissioning.models import Resource

    resource = (
        Resource.objects.filter(organisation_id=programme.commissioning_organisation_id)
        .order_by("pk")
        .first()
    )
    if resource is None:
        from tests.factories import ResourceFactory

        resource = ResourceFactory(organisation_id=programme.commissioning_organisation_id)
    return {"pk": resource.pk}


def _invitation_token(w) -> dict:
    """A fresh, unused invitation to manage the world's service."""
    from commissioning.models import Participation
    from commissioning.services import invitation_send

    _, token = invitation_send(
        participation=Participation.objects.get(programme=w.programme, service=w.service),
        email="invited.manager@example.org",
        invited_by=None,
        link_for=lambda token: token,
    )
    return {"token": token}


def _commissioning_arguments() -> dict[str, tuple[Callable, Callable | None]]:
    def own_programme(w):
        return {"pk": w.programme.pk}

    def other_programme(w):
        return {"pk": w.other_programme.pk}

    def own_standards(w):
        # Made before the page is measured: the first visit sets up the defaults.
        from commissioning.services import standards_ensure

        standards_ensure(programme=w.programme)
        return {"pk": w.programme.pk}

    def own_template(w):
        return _milestone_template_of(w.programme)

    def other_template(w):
        return _milestone_template_of(w.other_programme)

    def own(w):
        return _participation_of(w.programme, w.service)

    def other(w):
        return _participation_of(w.other_programme, w.other_service)

    by_programme = [
        "programme_edit",
        "programme_service_add",
        "programme_milestones",
    ]
    by_standards = ["standards_detail", "standards_edit"]
    by_template = ["milestone_template_edit", "milestone_template_remove"]
    by_participation = [
        "participation_detail",
        "participation_milestones",
        "stage_advance",
        "invitation_create",
        "agreement_detail",
        "agreement_edit",
        "agreement_submit",
        "agreement_sign",
        "agreement_send_back",
        "agreement_comment",
        "agreement_changes",
    ]
    arguments: dict[str, tuple[Callable, Callable | None]] = {
        "commissioning:invitation_accept": (_invitation_token, None),
        "commissioning:resource_edit": (
            lambda w: _resource_of(w.programme),
            lambda w: _resource_of(w.other_programme),
        ),
    }
    for name in by_programme:
        arguments[f"commissioning:{name}"] = (own_programme, other_programme)
    for name in by_standards:
        arguments[f"commissioning:{name}"] = (own_standards, other_programme)
    for name in by_template:
        arguments[f"commissioning:{name}"] = (own_template, other_template)
    for name in by_participation:
        arguments[f"commissioning:{name}"] = (own, other)
    return arguments


# The supervision pages' objects, found or made for the world's (or the demo's)
# practitioner and their line manager.
def _own_session(w) -> dict:
    from supervision.models import SupervisionSession

    session = (
        SupervisionSession.objects.filter(
            supervisee=w.practitioner_staff, supervisor=w.line_manager_staff
        )
        .order_by("-pk")
        .first()
    )
    if session is None:
        from tests.factories import SupervisionSessionFactory

        session = SupervisionSessionFactory(
            supervisee=w.practitioner_staff, supervisor=w.line_manager_staff
        )
    return {"pk": session.pk}


def _own_reminder(w) -> dict:
    from supervision.models import Reminder

    reminder = Reminder.objects.filter(recipient=w.practitioner).order_by("-pk").first()
    if reminder is None:
        from tests.factories import ReminderFactory

        reminder = ReminderFactory(recipient=w.practitioner)
    return {"pk": reminder.pk}


# The fidelity pages' objects, found (the demo's) or made for the world's practitioner:
# a self-reflection, a check their line manager recorded, and a support action.
def _own_self_check(w) -> dict:
    from fidelity.models import FidelityCheck

    check = (
        FidelityCheck.objects.filter(
            staff=w.practitioner_staff, kind="self", completed_by=w.practitioner
        )
        .order_by("-pk")
        .first()
    )
    if check is None:
        from tests.factories import FidelityCheckFactory

        check = FidelityCheckFactory(
            staff=w.practitioner_staff, kind="self", completed_by=w.practitioner
        )
    return {"pk": check.pk}


def _own_observation(w) -> dict:
    from fidelity.models import FidelityCheck

    check = (
        FidelityCheck.objects.filter(
            staff=w.practitioner_staff, kind="supervision", completed_by=w.line_manager
        )
        .order_by("-pk")
        .first()
    )
    if check is None:
        from tests.factories import FidelityCheckFactory

        check = FidelityCheckFactory(
            staff=w.practitioner_staff, kind="supervision", completed_by=w.line_manager
        )
    return {"pk": check.pk}


def _own_support_action(w) -> dict:
    from fidelity.models import SupportAction

    action = (
        SupportAction.objects.filter(staff=w.practitioner_staff, owner=w.line_manager_staff)
        .order_by("-pk")
        .first()
    )
    if action is None:
        from tests.factories import SupportActionFactory

        action = SupportActionFactory(staff=w.practitioner_staff, owner=w.line_manager_staff)
    return {"pk": action.pk}


# The outcomes pages' objects: measures are shared by everyone who may see them; the open
# point is one whose window is open today for the world's (or the demo's) practitioner.
def _measure(status: str) -> dict:
    from outcomes.models import Measure

    measure = Measure.objects.filter(status=status).order_by("pk").first()
    if measure is None:
        from tests.factories import MeasureFactory, MeasureItemFactory

        measure = MeasureFactory(status=status, scale_labels={"1": "No", "2": "Yes"}, scale_max=2)
        MeasureItemFactory(measure=measure, number=1)
        MeasureItemFactory(measure=measure, number=2, reverse_scored=True)
    return {"pk": measure.pk}


def _point_of(programme) -> dict:
    from outcomes.models import MeasurementPoint

    point = MeasurementPoint.objects.filter(programme=programme).order_by("pk").first()
    if point is None:
        from tests.factories import MeasurementPointFactory

        point = MeasurementPointFactory(programme=programme, measure_id=_measure("published")["pk"])
    return {"pk": point.pk}


def _open_point(w) -> dict:
    import datetime as dt

    from django.utils import timezone

    from cohorts.models import Membership
    from outcomes.models import Measure
    from outcomes.queries import open_measures_for

    today = timezone.localdate()
    found = open_measures_for(w.practitioner_staff.pk, today)
    if not found:
        from tests.factories import CohortFactory, MeasurementPointFactory

        cohort = CohortFactory(
            programme=w.programme,
            training_start=today + dt.timedelta(days=10),
            training_end=today + dt.timedelta(days=20),
        )
        Membership.objects.create(
            cohort=cohort, staff=w.practitioner_staff, status=Membership.Status.CONFIRMED
        )
        measure = Measure.objects.get(pk=_measure("published")["pk"])
        MeasurementPointFactory(programme=w.programme, measure=measure, window_days=28)
        found = open_measures_for(w.practitioner_staff.pk, today)
    return {"point_pk": found[0].point.pk}


def _indicator_of(service) -> dict:
    from outcomes.models import ServiceIndicator

    indicator, _ = ServiceIndicator.objects.get_or_create(
        service=service,
        name="Placement moves",
        defaults={"baseline_value": 4, "baseline_period": "2025–26 Q4"},
    )
    return {"pk": indicator.pk}


def _report_of(programme) -> dict:
    """A produced report on the programme, found or made (with a small file to download)."""
    from django.core.files.base import ContentFile

    from reports.models import GeneratedReport

    report = GeneratedReport.objects.filter(programme=programme, status="ready").first()
    if report is None:
        report = GeneratedReport(programme=programme, as_of=programme.start_date, status="ready")
        report.file.save("sweep.pdf", ContentFile(b"%PDF-1.7 sweep"), save=False)
        report.pages = 1
        report.save()
    return {"pk": report.pk}


def _reports_arguments() -> dict[str, tuple[Callable, Callable | None]]:
    def programme(w):
        return {"pk": w.programme.pk}

    def other_programme(w):
        return {"pk": w.other_programme.pk}

    def service(w):
        return {"pk": w.service.pk}

    def other_service(w):
        return {"pk": w.other_service.pk}

    return {
        "reports:programme_dashboard": (programme, other_programme),
        "reports:programme_export": (
            lambda w: {"pk": w.programme.pk, "table": "services", "fmt": "csv"},
            lambda w: {"pk": w.other_programme.pk, "table": "services", "fmt": "csv"},
        ),
        "reports:service_dashboard": (service, other_service),
        "reports:service_export": (
            lambda w: {"pk": w.service.pk, "table": "programmes", "fmt": "xlsx"},
            lambda w: {"pk": w.other_service.pk, "table": "programmes", "fmt": "xlsx"},
        ),
        "reports:team_export": (lambda w: {"table": "champions", "fmt": "csv"}, None),
        # POST only, so no "other" object here (the sweep expects admins to get 200 for
        # those); tests/reports/test_reports.py has the outsiders' 404s.
        "reports:programme_report_create": (programme, None),
        "reports:service_report_create": (service, None),
        "reports:report_detail": (
            lambda w: _report_of(w.programme),
            lambda w: _report_of(w.other_programme),
        ),
        "reports:report_download": (
            lambda w: _report_of(w.programme),
            lambda w: _report_of(w.other_programme),
        ),
    }


# For each page with arguments: (world -> kwargs for an object of the user's own
# programme/service, world -> kwargs for an object they must not see).
ARGUMENTS: dict[str, tuple[Callable, Callable | None]] = {
    "commissioning:programme_detail": (
        lambda w: {"pk": w.programme.pk},
        lambda w: {"pk": w.other_programme.pk},
    ),
    "commissioning:service_detail": (
        lambda w: {"pk": w.service.pk},
        lambda w: {"pk": w.other_service.pk},
    ),
    "password_reset_confirm": (_reset_arguments, None),
    **_commissioning_arguments(),
    "cohorts:screening_edit": (
        lambda w: {"staff_pk": w.practitioner_staff.pk, "programme_pk": w.programme.pk},
        lambda w: {"staff_pk": w.other_practitioner_staff.pk, "programme_pk": w.other_programme.pk},
    ),
    "cohorts:screening_reflect": (
        _own_screening,
        lambda w: _screening_of(
            w.other_practitioner_staff, w.other_programme, w.other_service_manager
        ),
    ),
    "cohorts:cohort_detail": (
        lambda w: _cohort_of(w.programme),
        lambda w: _cohort_of(w.other_programme),
    ),
    "cohorts:cohort_edit": (
        lambda w: _cohort_of(w.programme),
        lambda w: _cohort_of(w.other_programme),
    ),
    "cohorts:cohort_create": (
        lambda w: {"programme_pk": w.programme.pk},
        lambda w: {"programme_pk": w.other_programme.pk},
    ),
    # No "other" object: admins may not see others' supervision or reminders, which the
    # sweep's other-object check expects them to. tests/supervision covers the outsiders.
    "supervision:session_detail": (_own_session, None),
    "supervision:session_confirm": (_own_session, None),
    "supervision:reminder_dismiss": (_own_reminder, None),
    "fidelity:programme_aggregates": (
        lambda w: {"pk": w.programme.pk},
        lambda w: {"pk": w.other_programme.pk},
    ),
    "fidelity:programme_aggregates_csv": (
        lambda w: {"pk": w.programme.pk, "table": "principles"},
        lambda w: {"pk": w.other_programme.pk, "table": "principles"},
    ),
    "fidelity:service_aggregates": (
        lambda w: {"pk": w.service.pk},
        lambda w: {"pk": w.other_service.pk},
    ),
    "fidelity:service_aggregates_csv": (
        lambda w: {"pk": w.service.pk, "table": "actions"},
        lambda w: {"pk": w.other_service.pk, "table": "actions"},
    ),
    "fidelity:tool_detail": (
        lambda w: {"pk": w.programme.pk},
        lambda w: {"pk": w.other_programme.pk},
    ),
    "fidelity:tool_edit": (
        lambda w: {"pk": w.programme.pk},
        lambda w: {"pk": w.other_programme.pk},
    ),
    # No "other" object: admins may not see others' checks (DESIGN §3); tests/fidelity
    # covers the outsiders.
    "fidelity:check_detail": (_own_self_check, None),
    "fidelity:check_edit": (_own_self_check, None),
    "fidelity:check_respond": (_own_observation, None),
    "fidelity:support_action_detail": (_own_support_action, None),
    "fidelity:support_action_done": (_own_support_action, None),
    "outcomes:measure_detail": (lambda w: _measure("published"), None),
    "outcomes:measure_export_json": (lambda w: _measure("published"), None),
    "outcomes:measure_export_yaml": (lambda w: _measure("published"), None),
    "outcomes:measure_edit": (lambda w: _measure("draft"), None),
    "outcomes:measure_publish": (lambda w: _measure("draft"), None),
    "outcomes:measure_new_version": (lambda w: _measure("published"), None),
    "outcomes:programme_points": (
        lambda w: {"pk": w.programme.pk},
        lambda w: {"pk": w.other_programme.pk},
    ),
    # POST only (405 to a GET), so no "other" object; tests/outcomes covers outsiders.
    "outcomes:point_remove": (lambda w: _point_of(w.programme), None),
    # Nobody else's: tests/outcomes/test_completion.py covers the outsiders.
    "outcomes:response_complete": (_open_point, None),
    "outcomes:programme_impact": (
        lambda w: {"pk": w.programme.pk},
        lambda w: {"pk": w.other_programme.pk},
    ),
    "outcomes:service_impact": (
        lambda w: {"pk": w.service.pk},
        lambda w: {"pk": w.other_service.pk},
    ),
    "outcomes:cohort_impact": (
        lambda w: _cohort_of(w.programme),
        lambda w: _cohort_of(w.other_programme),
    ),
    **{
        f"outcomes:{name}": (
            lambda w: {"pk": w.service.pk},
            lambda w: {"pk": w.other_service.pk},
        )
        for name in ("indicator_list", "indicator_template", "indicator_create", "indicator_upload")
    },
    "outcomes:indicator_value_record": (
        lambda w: _indicator_of(w.service),
        lambda w: _indicator_of(w.other_service),
    ),
    **_reports_arguments(),
}


# Queries each page may run, measured with a small and a ten-times larger data set (the
# same number both times: no N+1). A change that adds queries shows up here in review.
# Keyed by page name; the role is the first one ACCESS lets see the page.
QUERY_BUDGETS: dict[str, int] = {
    # A signed-in page costs 8–9 before its own work: session, user, roles (3–4), and
    # (at most once a minute: core.middleware.SessionRefreshMiddleware) saving the session
    # (savepoint, update, release).
    "ping_signed_in": 5,  # session, user, saving the session
    "no_role": 9,
    "password_change": 9,
    "password_change_done": 9,
    "commissioning:programme_list": 9,
    "commissioning:programme_detail": 17,  # 22 with standards: compliance figures (+6)
    "commissioning:service_detail": 11,
    "commissioning:programme_create": 11,
    "commissioning:programme_edit": 12,
    "commissioning:programme_service_add": 11,
    "commissioning:programme_milestones": 10,
    "commissioning:milestone_template_edit": 9,
    "commissioning:milestone_template_remove": 10,
    "commissioning:invitation_create": 10,
    "commissioning:participation_detail": 16,
    "commissioning:participation_milestones": 10,
    "commissioning:stage_advance": 11,
    "commissioning:agreement_detail": 12,
    "commissioning:agreement_edit": 12,
    "commissioning:agreement_submit": 13,
    "commissioning:agreement_sign": 13,
    "commissioning:agreement_send_back": 13,
    "commissioning:agreement_comment": 11,
    "commissioning:agreement_changes": 11,
    "commissioning:standards_detail": 13,
    "commissioning:standards_edit": 13,
    "commissioning:resource_list": 9,
    "commissioning:resource_create": 11,
    "commissioning:resource_edit": 12,
    # Measured here without standards; tests/supervision/test_query_counts.py pins them
    # with a programme's standards and cadence rules in place.
    "supervision:my_practice": 22,  # Reflections (fidelity): +4; measures open (outcomes): +1
    # Team reflections (fidelity.queries.team_reflections): +2; signals (fidelity.signals): +5
    "supervision:team": 27,
    "supervision:cpd_record": 12,
    "supervision:session_detail": 10,
    "supervision:notifications": 13,
    "cohorts:screening_list": 13,
    "cohorts:screening_edit": 11,
    "cohorts:my_screening": 10,
    "cohorts:screening_reflect": 11,
    "cohorts:cohort_list": 10,
    "cohorts:cohort_create": 10,
    # As a commissioner: places per service only. The service manager's planning view
    # (members and shortlist) is pinned in tests/cohorts/test_query_counts.py.
    "cohorts:cohort_detail": 10,
    "cohorts:cohort_edit": 9,
    "cohorts:staff_import": 10,
    "cohorts:staff_import_preview": 9,
    "cohorts:staff_import_template": 8,
    "cohorts:staff_import_template_xlsx": 8,
    # About nine for the figures and seven for the signals, whatever the number of checks
    # (totals are added up from their groups: fidelity.aggregates.RatingSum).
    "fidelity:programme_aggregates": 23,
    "fidelity:programme_aggregates_csv": 18,
    "fidelity:service_aggregates": 25,
    "fidelity:service_aggregates_csv": 20,
    "fidelity:tool_detail": 11,
    "fidelity:tool_edit": 10,
    "fidelity:reflections": 20,
    # Without a tool in the world's programme; tests/fidelity pins the form with one.
    "fidelity:check_new": 10,
    "fidelity:observation_new": 10,
    "fidelity:check_detail": 13,
    "fidelity:check_edit": 15,
    "fidelity:check_respond": 13,
    "fidelity:support_action_detail": 10,
    "outcomes:measure_list": 9,
    "outcomes:measure_detail": 11,
    "outcomes:measure_export_json": 10,
    "outcomes:measure_export_yaml": 10,
    "outcomes:measure_create": 8,
    "outcomes:measure_edit": 10,
    "outcomes:programme_points": 13,
    "outcomes:response_complete": 17,
    # Impact, measured here with no measurement points (standards and points only);
    # with measures it adds responses and group names, pinned constant in
    # tests/outcomes/test_impact.py.
    "outcomes:programme_impact": 12,
    "outcomes:service_impact": 12,
    "outcomes:cohort_impact": 11,
    "outcomes:indicator_list": 11,
    "outcomes:indicator_template": 10,
    "outcomes:indicator_create": 9,
    "outcomes:indicator_upload": 11,
    "outcomes:indicator_value_record": 9,
    # Without standards; tests/reports/test_query_counts.py pins them with standards,
    # outcomes and reflections. About 16 of each are outcomes.impact (4) and
    # fidelity.aggregates (9: scope, aggregates, overall, themes; the quarters by service
    # share the trend's sums).
    "reports:programme_dashboard": 29,
    "reports:programme_export": 27,
    "reports:service_dashboard": 30,
    "reports:service_export": 28,
    "reports:team_dashboard": 12,
    "reports:team_export": 12,
    "reports:report_detail": 9,
    "reports:report_download": 9,
}

# Pages that show a form. tests/quality/test_form_fuzz.py checks this list against the
# pages whose GET puts a ``form`` in the context, so a new form cannot escape the fuzz.
FORM_PAGES = {
    "login",
    "password_change",
    "password_reset",
    "commissioning:programme_create",
    "commissioning:programme_edit",
    "commissioning:programme_service_add",
    "commissioning:programme_milestones",
    "commissioning:milestone_template_edit",
    "commissioning:milestone_template_remove",
    "commissioning:invitation_create",
    "commissioning:invitation_accept",
    "commissioning:participation_milestones",
    "commissioning:stage_advance",
    "commissioning:agreement_edit",
    "commissioning:agreement_submit",
    "commissioning:agreement_sign",
    "commissioning:agreement_send_back",
    "commissioning:agreement_comment",
    "commissioning:standards_edit",
    "commissioning:resource_create",
    "commissioning:resource_edit",
    "cohorts:screening_edit",
    "cohorts:screening_reflect",
    "cohorts:cohort_create",
    "cohorts:cohort_edit",
    "cohorts:staff_import",
    "supervision:my_practice",
    "supervision:cpd_record",
    "supervision:notifications",
    "fidelity:tool_edit",
    "fidelity:check_edit",
    "fidelity:check_respond",
    "fidelity:support_action_detail",
    "outcomes:indicator_create",
    "outcomes:indicator_upload",
    "outcomes:indicator_value_record",
    "outcomes:measure_create",
    "outcomes:measure_edit",
    "outcomes:programme_points",
    "outcomes:response_complete",
}
