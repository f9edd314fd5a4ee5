"""Forms for setting up programmes, co-commissioning agreements and stage tracking.

They check what a person typed and say plainly what is wrong; the rules that decide
whether a change may happen live in services.py, whose refusals the views add back here.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.db.models import QuerySet

from . import queries
from .models import (
    STAGE_ORDER,
    Agreement,
    Milestone,
    Organisation,
    PressureTag,
    Resource,
    Service,
    Stage,
    Standards,
    SupervisionType,
)

OUT_OF_DATE = (
    "This page was out of date, so nothing was saved. It now shows the latest version: "
    "check it and try again."
)


OUT_OF_DATE_EDITING = (
    "Someone else changed this agreement while you were editing it, so your changes are "
    "not saved yet. They are still in the form below, and the agreement as it is now is "
    "shown beside it. Check both, then save again to keep yours."
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _whole_number_messages(what: str) -> dict[str, str]:
    return {
        "invalid": f"Enter the {what} as a whole number, like 12.",
        "min_value": f"{what.capitalize()} cannot be negative.",
    }


class RevisionMixin(forms.Form):
    """A hidden copy of the revision the page showed, so a change made meanwhile by
    someone else is noticed instead of overwritten (commissioning.services)."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)
    revision_invalid = False

    def clean(self):
        cleaned = super().clean()
        # A tampered or missing hidden field is not the person's mistake to correct by a
        # field they cannot see: say it once at the top.
        if "revision" in self.errors:
            del self.errors["revision"]
            self.revision_invalid = True
            self.add_error(None, OUT_OF_DATE)
        return cleaned


# --- Programmes ----------------------------------------------------------------------------------


class ProgrammeForm(forms.Form):
    name = forms.CharField(max_length=200, label="Programme name")
    commissioning_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Commissioning body",
        empty_label=None,
    )
    practice_model = forms.CharField(
        max_length=200,
        label="Practice model",
        help_text="The practice model the programme implements, e.g. trauma-informed "
        "relational practice.",
    )
    description = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional: what the programme is for, in a few sentences.",
    )
    start_date = forms.DateField(widget=DateInput, label="Start date")
    end_date = forms.DateField(
        widget=DateInput, label="End date", required=False, help_text="Optional."
    )
    lead_commissioners = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Lead commissioners",
    )

    def __init__(
        self, *args, organisations: QuerySet[Organisation], fixed_organisation=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        field = self.fields["commissioning_organisation"]
        field.queryset = organisations
        if fixed_organisation is not None:
            # Editing: the commissioning body stays as it is.
            del self.fields["commissioning_organisation"]
            organisation_ids = [fixed_organisation.pk]
        else:
            organisation_ids = list(organisations.values_list("pk", flat=True))
            if len(organisation_ids) == 1:
                field.widget = forms.HiddenInput()
                field.initial = organisation_ids[0]
        leads = self.fields["lead_commissioners"]
        leads.queryset = queries.commissioners_of(organisation_ids)
        leads.label_from_instance = lambda user: user.get_full_name() or user.username
        for name, messages in {
            "start_date": "Enter the start date as a date, like 1/9/2026.",
            "end_date": "Enter the end date as a date, like 31/8/2029.",
        }.items():
            self.fields[name].error_messages["invalid"] = messages

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be the same as or after the start date.")
        return cleaned


class ParticipationAddForm(forms.Form):
    """Add a service: choose an existing one, or name a new one (and its organisation)."""

    service = forms.ModelChoiceField(
        queryset=Service.objects.none(),
        required=False,
        label="Service",
        empty_label="Choose a service",
        help_text="Services of provider organisations already on Launchpad.",
    )
    new_service_name = forms.CharField(max_length=200, required=False, label="Service name")
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Provider organisation",
        empty_label="Choose an organisation",
    )
    new_organisation_name = forms.CharField(
        max_length=200,
        required=False,
        label="Or a provider organisation new to Launchpad",
        help_text="Only if the organisation is not in the list above.",
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        taking_part = programme.participations.values("service_id")
        services = self.fields["service"]
        services.queryset = (
            queries.provider_services()
            .exclude(pk__in=taking_part)
            .order_by("organisation__name", "name")
        )
        services.label_from_instance = lambda s: f"{s.name} ({s.organisation.name})"
        self.fields["organisation"].queryset = queries.provider_organisations().order_by("name")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        existing = cleaned.get("service")
        new_name = cleaned.get("new_service_name", "").strip()
        if existing and (
            new_name
            or cleaned.get("organisation")
            or cleaned.get("new_organisation_name", "").strip()
        ):
            raise forms.ValidationError(
                "Choose an existing service or describe a new one, not both."
            )
        if not existing and not new_name:
            self.add_error("service", "Choose an existing service, or name a new one below.")
        return cleaned


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Service manager's email address",
        max_length=254,
        help_text="We send them a link to join Launchpad as this service's manager. It "
        "works once and expires after 14 days.",
        error_messages={"invalid": "Enter an email address like name@example.org."},
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class AcceptInvitationForm(forms.Form):
    """A new account for the invited email address."""

    first_name = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Type the password again",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        one, two = cleaned.get("password1"), cleaned.get("password2")
        if one and two and one != two:
            self.add_error("password2", "The two passwords do not match.")
        return cleaned


# --- Agreements ----------------------------------------------------------------------------------


class AgreementForm(RevisionMixin, forms.ModelForm):
    """The service manager's side: workforce snapshot, pressures, expectations."""

    pressure_tags = forms.ModelMultipleChoiceField(
        queryset=PressureTag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Pressures",
        help_text="Choose any that apply.",
    )

    class Meta:
        model = Agreement
        fields = [
            "headcount",
            "vacancies",
            "agency_share_percent",
            "typical_caseload",
            "turnover_percent",
            "pressure_tags",
            "pressures",
            "protected_supervision_minutes_per_month",
            "cpd_release_hours_per_year",
            "cohort_places_per_wave",
        ]
        labels = {
            "headcount": "Headcount",
            "vacancies": "Vacancies",
            "agency_share_percent": "Agency share (%)",
            "typical_caseload": "Typical caseload",
            "turnover_percent": "Staff turnover in the last 12 months (%)",
            "pressures": "What the pressures and constraints mean here",
            "protected_supervision_minutes_per_month": (
                "Protected supervision time (minutes a month)"
            ),
            "cpd_release_hours_per_year": "CPD release (hours a year)",
            "cohort_places_per_wave": "Cohort places per wave",
        }
        help_texts = {
            "headcount": "People in the service's workforce, including vacant posts.",
            "vacancies": "Posts without a permanent member of staff.",
            "agency_share_percent": "Share of the workforce employed through agencies.",
            "typical_caseload": "Children or families a practitioner usually holds.",
            "turnover_percent": "Leavers as a share of the workforce.",
            "pressures": "In your own words: what gets in the way, and what would help.",
            "protected_supervision_minutes_per_month": (
                "Time each practitioner gets for supervision that is not moved for other work."
            ),
            "cpd_release_hours_per_year": "Time each practitioner is released for learning.",
            "cohort_places_per_wave": "Practitioners the service will release for each wave.",
        }
        widgets = {
            "pressures": forms.Textarea(attrs={"rows": 5}),
        }
        error_messages = {
            "headcount": _whole_number_messages("headcount"),
            "vacancies": _whole_number_messages("vacancies"),
            "typical_caseload": _whole_number_messages("typical caseload"),
            "protected_supervision_minutes_per_month": _whole_number_messages(
                "protected supervision time"
            ),
            "cpd_release_hours_per_year": _whole_number_messages("CPD release hours"),
            "cohort_places_per_wave": _whole_number_messages("cohort places"),
            "agency_share_percent": {
                "invalid": "Enter the agency share as a number from 0 to 100, like 12.5.",
                "max_digits": "Agency share is a percentage: give a number from 0 to 100.",
                "max_whole_digits": "Agency share is a percentage: give a number from 0 to 100.",
                "max_decimal_places": "Give the agency share to one decimal place at most.",
            },
            "turnover_percent": {
                "invalid": "Enter the turnover as a number from 0 to 100, like 14.",
                "max_digits": "Staff turnover is a percentage: give a number from 0 to 100.",
                "max_whole_digits": "Staff turnover is a percentage: give a number from 0 to 100.",
                "max_decimal_places": "Give the turnover to one decimal place at most.",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pressures"].max_length = 5000
        self.fields["pressures"].widget.attrs["maxlength"] = 5000
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField | forms.DecimalField) and not isinstance(
                field.widget, forms.HiddenInput
            ):
                field.widget.attrs.setdefault("inputmode", "decimal")

    def values(self) -> dict:
        names = [f for f in self.Meta.fields if f != "pressure_tags"]
        return {name: self.cleaned_data[name] for name in names}


class AgreementActionForm(RevisionMixin):
    """Submit: nothing to fill in but the revision the page showed."""


class SignForm(RevisionMixin):
    side = forms.ChoiceField(
        choices=[("commissioner", "Commissioner"), ("service_manager", "Service manager")],
        widget=forms.HiddenInput,
    )


class SendBackForm(RevisionMixin):
    reason = forms.CharField(
        label="What needs to change",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The service manager sees this with the agreement.",
        error_messages={"required": "Say what needs to change, so the service can act on it."},
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Comment",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write a comment first."},
    )


# --- Stages and milestones -----------------------------------------------------------------------


class StageAdvanceForm(forms.Form):
    from_stage = forms.ChoiceField(choices=Stage.choices, widget=forms.HiddenInput)


class MilestoneChecklistForm(forms.Form):
    done = forms.ModelMultipleChoiceField(
        queryset=Milestone.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Done",
        error_messages={
            "invalid_choice": "Those milestones are not on this service's checklist.",
            "invalid_pk_value": "Those milestones are not on this service's checklist.",
        },
    )

    def __init__(self, *args, participation, checklist=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done"].queryset = participation.milestones.order_by("position", "pk")
        if not self.is_bound and checklist is not None:
            # Ticked as they are now, from the checklist the page shows anyway.
            self.fields["done"].initial = [
                m.pk for _, _, milestones in checklist for m in milestones if m.completed_on
            ]


class MilestoneTemplateForm(forms.Form):
    stage = forms.ChoiceField(choices=Stage.choices, label="Stage")
    title = forms.CharField(max_length=200, label="Milestone")
    position = forms.IntegerField(
        min_value=0,
        max_value=999,
        required=False,
        label="Position in the stage's list",
        help_text="Optional: 0 puts it first. Leave empty to put it last.",
        error_messages={
            "invalid": "Enter the position as a whole number, like 3.",
            "min_value": "The position cannot be negative.",
            "max_value": "The position must be 999 or less.",
        },
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # A milestone stays in its stage: moving it would rewrite services' records.
            del self.fields["stage"]

    def clean_stage(self):
        stage = self.cleaned_data["stage"]
        if stage not in STAGE_ORDER:
            raise forms.ValidationError("Choose a stage.")
        return stage


class ConfirmForm(forms.Form):
    """A button and nothing else (removing a milestone from the checklist)."""


# --- Professional standards ----------------------------------------------------------------------


class StandardsForm(forms.ModelForm):
    class Meta:
        model = Standards
        fields = [
            "min_session_minutes",
            "coaching_interval_days",
            "clinical_supervision_available",
            "cpd_hours_per_year",
            "cpd_pieces_per_year",
            "cpd_peer_reflection_pieces",
            "fidelity_check_interval_days",
            "resource_review_months",
            "small_number_threshold",
        ]
        labels = {
            "min_session_minutes": "Minimum session length (minutes)",
            "coaching_interval_days": "Coaching for line managers: every (days)",
            "clinical_supervision_available": "Clinical supervision is available",
            "cpd_hours_per_year": "CPD hours a year",
            "cpd_pieces_per_year": "CPD pieces a year",
            "cpd_peer_reflection_pieces": "CPD pieces with peer reflection",
            "fidelity_check_interval_days": "Fidelity check: every (days)",
            "resource_review_months": "Review resources every (months)",
            "small_number_threshold": "Small-number threshold (people)",
        }

    def clean(self):
        data = super().clean()
        pieces, peer = data.get("cpd_pieces_per_year"), data.get("cpd_peer_reflection_pieces")
        if pieces is not None and peer is not None and peer > pieces:
            self.add_error(
                "cpd_peer_reflection_pieces",
                "Pieces with peer reflection cannot be more than the CPD pieces a year.",
            )
        return data


class CadenceRuleForm(forms.Form):
    supervision_type = forms.ChoiceField(
        label="Supervision type", choices=[("", "Choose…"), *SupervisionType.choices]
    )
    newly_qualified = forms.BooleanField(label="Newly qualified staff only", required=False)
    from_week = forms.IntegerField(label="From week", min_value=0, max_value=520, initial=0)
    to_week = forms.IntegerField(
        label="To week",
        min_value=1,
        max_value=520,
        required=False,
        help_text="Empty: from then on.",
    )
    interval_days = forms.IntegerField(label="Every (days)", min_value=1, max_value=366)

    def clean(self):
        data = super().clean()
        start, end = data.get("from_week"), data.get("to_week")
        if start is not None and end is not None and end <= start:
            self.add_error("to_week", "The period must end after the week it starts.")
        return data


class BaseCadenceRuleFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this rule"


CadenceRuleFormSet = forms.formset_factory(
    CadenceRuleForm,
    formset=BaseCadenceRuleFormSet,
    extra=1,
    can_delete=True,
    max_num=40,
    validate_max=True,
)


# --- Resource library ----------------------------------------------------------------------------


class ResourceForm(forms.ModelForm):
    class Meta:
        model = Resource
        fields = [
            "organisation",
            "title",
            "description",
            "url",
            "evidence_level",
            "source",
            "owner",
            "last_reviewed",
            "review_by",
        ]
        labels = {
            "organisation": "Library",
            "url": "Link (optional)",
            "review_by": "Review by",
            "last_reviewed": "Last reviewed",
        }
        widgets = {"last_reviewed": DateInput(), "review_by": DateInput()}

    def __init__(self, *args, organisations: QuerySet[Organisation], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations
        field.empty_label = None
        self.fields["last_reviewed"].error_messages["invalid"] = "Enter a real date, like 1/3/2026."
        self.fields["review_by"].error_messages["invalid"] = "Enter a real date, like 1/3/2027."

    def validate_unique(self):
        pass  # resource_save says so next to the title

    def _post_clean(self):
        # Leave the model's checks to resource_save (its refusals come back to the fields).
        pass

    def clean(self):
        data = super().clean()
        last, review_by = data.get("last_reviewed"), data.get("review_by")
        if last and review_by and review_by < last:
            self.add_error(
                "review_by", "The review-by date must be on or after the date it was last reviewed."
            )
        return data
