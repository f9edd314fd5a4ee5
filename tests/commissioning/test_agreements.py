"""Journeys 2 and 3: the service manager writes and submits the agreement; the commissioner
comments, sends back or signs; it is agreed only when both sides have signed; changing an
agreed agreement starts the next version. Every refusal writes nothing."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from commissioning import queries, services
from commissioning.models import Agreement, AgreementComment
from tests import factories as f

pytestmark = pytest.mark.django_db

COMPLETE = {
    "headcount": 20,
    "vacancies": 3,
    "agency_share_percent": Decimal("12.5"),
    "typical_caseload": 18,
    "turnover_percent": Decimal("14"),
    "pressures": "Court work squeezes supervision.",
    "protected_supervision_minutes_per_month": 90,
    "cpd_release_hours_per_year": 30,
    "cohort_places_per_wave": 4,
}


def save(world, revision=0, by=None, **values):
    return services.agreement_update(
        participation=world.participation,
        changed_by=by or world.service_manager,
        revision=revision,
        values=values or COMPLETE,
    )


def submitted(world):
    agreement = save(world).agreement
    return services.agreement_submit(
        agreement=agreement, submitted_by=world.service_manager, revision=agreement.revision
    )


def sign(agreement, user, side):
    return services.agreement_sign(
        agreement=agreement, signed_by=user, side=side, revision=agreement.revision
    )


def agreed(world):
    agreement = submitted(world)
    agreement = sign(agreement, world.commissioner, "commissioner")
    return sign(agreement, world.service_manager, "service_manager")


# --- Writing it ----------------------------------------------------------------------------------


def test_the_first_save_starts_version_1_as_a_draft(world):
    tag = f.PressureTagFactory(name="High caseloads")
    saved = services.agreement_update(
        participation=world.participation,
        changed_by=world.service_manager,
        revision=0,
        values=COMPLETE,
        pressure_tags=[tag],
    )
    agreement = saved.agreement
    assert saved.outcome == "created"
    assert (agreement.version, agreement.status, agreement.revision) == (1, "draft", 1)
    assert list(agreement.pressure_tags.all()) == [tag]
    assert LogEntry.objects.get_for_object(agreement).filter(action=LogEntry.Action.CREATE)


def test_saving_a_draft_changes_it_in_place_and_counts_the_revision(world):
    first = save(world).agreement
    saved = save(world, revision=first.revision, **(COMPLETE | {"headcount": 22}))
    assert saved.outcome == "updated"
    assert saved.agreement.pk == first.pk
    assert (saved.agreement.headcount, saved.agreement.revision) == (22, 2)


def test_saving_without_changes_writes_nothing(world):
    first = save(world).agreement
    saved = save(world, revision=first.revision)
    assert saved.outcome == "unchanged"
    first.refresh_from_db()
    assert first.revision == 1


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"headcount": -1}, "headcount", "Headcount cannot be negative."),
        ({"vacancies": 21}, "vacancies", "Vacancies cannot be more than the headcount"),
        ({"agency_share_percent": Decimal("100.5")}, "agency_share_percent", "from 0 to 100"),
        ({"turnover_percent": Decimal("-1")}, "turnover_percent", "from 0 to 100"),
        ({"cohort_places_per_wave": 5000}, "cohort_places_per_wave", "1,000 or less"),
    ],
)
def test_bad_figures_are_refused_with_a_message_and_nothing_is_written(
    world, values, field, message
):
    with pytest.raises(ValidationError) as refused:
        save(world, **(COMPLETE | values))
    assert message in " ".join(refused.value.message_dict[field])
    assert not Agreement.objects.exists()


def test_only_the_services_managers_write_the_agreement(world):
    with pytest.raises(ValidationError, match="Only the service's managers"):
        save(world, by=world.commissioner)
    with pytest.raises(ValidationError):
        save(world, by=world.other_service_manager)
    assert not Agreement.objects.exists()


def test_a_save_from_a_page_opened_before_someone_elses_change_is_refused(world):
    first = save(world).agreement
    save(world, revision=first.revision, **(COMPLETE | {"headcount": 25}))  # someone else
    with pytest.raises(ValidationError) as refused:
        save(world, revision=first.revision, **(COMPLETE | {"headcount": 30}))
    assert refused.value.code == "out_of_date"
    first.refresh_from_db()
    assert first.headcount == 25


# --- Submitting ----------------------------------------------------------------------------------


def test_submitting_asks_for_sign_off_and_records_who(world):
    agreement = submitted(world)
    assert agreement.status == Agreement.Status.AWAITING
    assert agreement.submitted_by == world.service_manager and agreement.submitted_at
    entry = LogEntry.objects.get_for_object(agreement).filter(action=LogEntry.Action.UPDATE)
    assert entry.latest("timestamp").changes_dict["status"] == ["draft", "awaiting"]


def test_an_incomplete_agreement_cannot_be_submitted(world):
    agreement = save(world, headcount=10, vacancies=1).agreement
    with pytest.raises(ValidationError) as refused:
        services.agreement_submit(
            agreement=agreement, submitted_by=world.service_manager, revision=agreement.revision
        )
    assert "fill in the typical caseload, protected supervision time" in refused.value.messages[0]
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.DRAFT


def test_submitting_twice_is_refused(world):
    agreement = submitted(world)
    with pytest.raises(ValidationError, match="already awaiting sign-off"):
        services.agreement_submit(
            agreement=agreement, submitted_by=world.service_manager, revision=agreement.revision
        )


# --- Signing -------------------------------------------------------------------------------------


def test_it_is_agreed_only_when_both_sides_have_signed(world):
    agreement = submitted(world)
    agreement = sign(agreement, world.commissioner, "commissioner")
    assert agreement.status == Agreement.Status.AWAITING
    assert agreement.commissioner_signed_by == world.commissioner
    assert agreement.commissioner_signed_at is not None
    agreement = sign(agreement, world.service_manager, "service_manager")
    assert agreement.status == Agreement.Status.AGREED
    assert agreement.service_manager_signed_by == world.service_manager
    assert agreement.agreed_at == agreement.service_manager_signed_at
    changes = [e.changes_dict for e in LogEntry.objects.get_for_object(agreement)]
    assert any("commissioner_signed_at" in c for c in changes)
    assert any(c.get("status") == ["awaiting", "agreed"] for c in changes)


def test_signing_twice_is_refused(world):
    agreement = sign(submitted(world), world.commissioner, "commissioner")
    with pytest.raises(ValidationError, match="has already signed this version"):
        sign(agreement, world.commissioner, "commissioner")


def test_one_person_cannot_sign_for_both_sides(world):
    world.service.managers.add(world.commissioner)
    agreement = sign(submitted(world), world.commissioner, "commissioner")
    with pytest.raises(ValidationError, match="signed by someone else"):
        sign(agreement, world.commissioner, "service_manager")
    agreement.refresh_from_db()
    assert agreement.service_manager_signed_at is None


@pytest.mark.parametrize(
    ("who", "side"),
    [
        ("service_manager", "commissioner"),
        ("commissioner", "service_manager"),
        ("other_commissioner", "commissioner"),
        ("admin", "commissioner"),
    ],
)
def test_only_the_right_people_sign_each_side(world, who, side):
    agreement = submitted(world)
    with pytest.raises(ValidationError, match="Only"):
        sign(agreement, getattr(world, who), side)
    agreement.refresh_from_db()
    assert agreement.commissioner_signed_at is None and agreement.service_manager_signed_at is None


def test_a_draft_cannot_be_signed(world):
    agreement = save(world).agreement
    with pytest.raises(ValidationError, match="not been submitted"):
        sign(agreement, world.commissioner, "commissioner")


def test_signing_an_agreement_that_changed_since_it_was_opened_is_refused(world):
    opened = submitted(world)  # the commissioner opens the page at this revision
    save(world, revision=opened.revision, **(COMPLETE | {"vacancies": 5}))  # meanwhile
    with pytest.raises(ValidationError) as refused:
        sign(opened, world.commissioner, "commissioner")
    assert refused.value.code == "out_of_date"
    current = Agreement.objects.get()
    assert current.commissioner_signed_at is None
    assert current.vacancies == 5  # the other change is kept


def test_changing_a_signed_version_awaiting_sign_off_clears_the_signature(world):
    agreement = sign(submitted(world), world.commissioner, "commissioner")
    saved = save(world, revision=agreement.revision, **(COMPLETE | {"headcount": 21}))
    assert saved.signatures_cleared
    assert saved.agreement.commissioner_signed_at is None
    assert saved.agreement.status == Agreement.Status.AWAITING


# --- Sending back and comments -------------------------------------------------------------------


def test_sending_back_records_the_reason_and_puts_it_under_review(world):
    agreement = sign(submitted(world), world.service_manager, "service_manager")
    comment = services.agreement_send_back(
        agreement=agreement,
        sent_back_by=world.commissioner,
        reason="Please check the agency share.",
        revision=agreement.revision,
    )
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.UNDER_REVIEW
    assert agreement.service_manager_signed_at is None  # signatures start again
    assert comment.sends_back and comment.author == world.commissioner
    assert LogEntry.objects.get_for_object(comment).exists()
    # The service changes it and submits again.
    again = services.agreement_submit(
        agreement=agreement, submitted_by=world.service_manager, revision=agreement.revision
    )
    assert again.status == Agreement.Status.AWAITING


def test_sending_back_needs_a_reason_and_a_commissioner(world):
    agreement = submitted(world)
    with pytest.raises(ValidationError, match="Say what needs to change"):
        services.agreement_send_back(
            agreement=agreement, sent_back_by=world.commissioner, reason=" ", revision=2
        )
    with pytest.raises(ValidationError, match="Only the programme's commissioners"):
        services.agreement_send_back(
            agreement=agreement, sent_back_by=world.service_manager, reason="No", revision=2
        )
    assert not AgreementComment.objects.exists()
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.AWAITING


def test_only_an_agreement_awaiting_sign_off_can_be_sent_back(world):
    agreement = save(world).agreement
    with pytest.raises(ValidationError, match="Only an agreement awaiting sign-off"):
        services.agreement_send_back(
            agreement=agreement, sent_back_by=world.commissioner, reason="x", revision=1
        )


def test_comments_are_added_by_either_side_and_change_nothing_else(world):
    agreement = submitted(world)
    comment = services.agreement_comment(
        agreement=agreement, author=world.commissioner, text="Looks sensible."
    )
    assert comment.text == "Looks sensible." and not comment.sends_back
    agreement.refresh_from_db()
    assert agreement.revision == 2  # a comment is not a change to the agreement
    with pytest.raises(ValidationError, match="Write a comment first"):
        services.agreement_comment(agreement=agreement, author=world.commissioner, text="  ")
    with pytest.raises(ValidationError, match="cannot comment"):
        services.agreement_comment(agreement=agreement, author=world.other_commissioner, text="Hi")


# --- Versions ------------------------------------------------------------------------------------


def test_changing_an_agreed_agreement_starts_the_next_version_awaiting_sign_off(world):
    v1 = agreed(world)
    saved = save(world, revision=v1.revision, **(COMPLETE | {"cohort_places_per_wave": 6}))
    v2 = saved.agreement
    assert saved.outcome == "new_version"
    assert (v2.version, v2.status) == (2, Agreement.Status.AWAITING)
    assert v2.commissioner_signed_at is None and v2.service_manager_signed_at is None
    v1.refresh_from_db()
    assert (v1.status, v1.cohort_places_per_wave) == (Agreement.Status.AGREED, 4)
    changes = [c for c in queries.agreement_changes(v1, v2) if c.changed]
    assert [(c.label, c.before, c.after) for c in changes] == [
        ("Cohort places", "4 places in each wave", "6 places in each wave")
    ]


def test_only_the_latest_version_can_change(world):
    v1 = agreed(world)
    save(world, revision=v1.revision, **(COMPLETE | {"cohort_places_per_wave": 6}))
    with pytest.raises(ValidationError, match="replaced by version 2"):
        sign(v1, world.commissioner, "commissioner")


def test_the_difference_view_reads_values_as_people_do(world):
    v1 = agreed(world)
    v1.pressure_tags.set([f.PressureTagFactory(name="Vacancies")])
    v2 = services.agreement_update(
        participation=world.participation,
        changed_by=world.service_manager,
        revision=v1.revision,
        values=COMPLETE | {"agency_share_percent": None, "turnover_percent": Decimal("14.5")},
        pressure_tags=[],
    ).agreement
    rows = {c.label: (c.before, c.after) for c in queries.agreement_changes(v1, v2)}
    assert rows["Agency share"] == ("12.5%", "Not given")
    assert rows["Staff turnover (last 12 months)"] == ("14%", "14.5%")
    assert rows["Pressures"] == ("Vacancies", "None chosen")


def test_a_partial_change_keeps_the_other_fields_and_the_pressure_tags(world):
    tag = f.PressureTagFactory(name="Court deadlines")
    first = services.agreement_update(
        participation=world.participation,
        changed_by=world.service_manager,
        revision=0,
        values=COMPLETE,
        pressure_tags=[tag],
    ).agreement
    changed = save(world, revision=first.revision, cpd_release_hours_per_year=24).agreement
    assert changed.cpd_release_hours_per_year == 24 and changed.headcount == 20
    assert list(changed.pressure_tags.all()) == [tag]
