from datetime import date
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.utils import timezone

from cohorts.models import StaffMember
from commissioning.models import Resource, SupervisionType

from .models import CpdActivity, SupervisionSession
from .queries import resources_for, supervisor_candidates
from .services import MAX_CPD_HOURS, MAX_MINUTES, MIN_MINUTES

LENGTH_MESSAGE = f"Enter a length from {MIN_MINUTES} minutes to 8 hours ({MAX_MINUTES} minutes)."
FOCUS_CHOICES = [
    (0, "All case tasks and compliance"),
    (25, "Mostly case tasks"),
    (50, "Half reflective, half case tasks"),
    (75, "Mostly reflective practice and emotional impact"),
    (100, "All reflective practice and emotional impact"),
]


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SessionForm(forms.Form):
    """Log a supervision session in seconds: every field but the type has a default."""

    supervision_type = forms.ChoiceField(
        label="Type",
        choices=SupervisionType.choices,
        initial=SupervisionType.LINE_MANAGEMENT,
        error_messages={"invalid_choice": "Choose the type of supervision from the list."},
    )
    held_on = forms.DateField(
        label="Date",
        widget=date_input(),
        error_messages={
            "required": "Enter the date of the session.",
            "invalid": "Enter a real date, for example 26/11/2026.",
        },
    )
    minutes = forms.IntegerField(
        label="Minutes",
        min_value=MIN_MINUTES,
        max_value=MAX_MINUTES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
        error_messages={
            "required": "Enter how long the session lasted, in minutes.",
            "invalid": "Enter the length as a whole number of minutes, for example 90.",
            "min_value": LENGTH_MESSAGE,
            "max_value": LENGTH_MESSAGE,
        },
    )
    supervisor = forms.ModelChoiceField(
        label="Supervisor",
        queryset=StaffMember.objects.none(),
        required=False,
        empty_label="Someone else (name them below)",
        error_messages={"invalid_choice": "Choose your supervisor from the list."},
    )
    external_supervisor = forms.CharField(
        label="Supervisor from outside (if not in the list)",
        required=False,
        max_length=200,
        help_text="For example, an external clinical supervisor.",
    )
    reflective_percent = forms.TypedChoiceField(
        label="Focus",
        choices=FOCUS_CHOICES,
        coerce=int,
        initial=50,
        error_messages={"invalid_choice": "Choose how the time was split."},
    )
    wellbeing_checked = forms.BooleanField(label="My wellbeing was checked", required=False)
    vicarious_trauma_concern = forms.ChoiceField(
        label="Vicarious-trauma concern",
        choices=SupervisionSession.Concern.choices,
        initial=SupervisionSession.Concern.NONE,
        help_text="“Significant” lets your supervisor know today.",
        error_messages={"invalid_choice": "Choose a level of concern from the list."},
    )
    notes = forms.CharField(
        label="Private notes",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only you and your supervisor can read these.",
    )

    def __init__(self, *args, staff: StaffMember, min_minutes: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = staff
        self.today = timezone.localdate()
        self.fields["held_on"].initial = self.today
        self.fields["minutes"].initial = min_minutes or 90
        supervisor = self.fields["supervisor"]
        assert isinstance(supervisor, forms.ModelChoiceField)
        supervisor.queryset = supervisor_candidates(staff)
        supervisor.initial = staff.line_manager_id
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("supervision_type", css_class="col-md-5"),
                Column("held_on", css_class="col-md-4"),
                Column("minutes", css_class="col-md-3"),
            ),
            Row(
                Column("supervisor", css_class="col-md-6"),
                Column("external_supervisor", css_class="col-md-6"),
            ),
            Row(
                Column("reflective_percent", css_class="col-md-6"),
                Column("vicarious_trauma_concern", css_class="col-md-6"),
            ),
            Field("wellbeing_checked"),
            Field("notes"),
        )

    def clean_held_on(self) -> date:
        held_on = self.cleaned_data["held_on"]
        if held_on > self.today:
            raise forms.ValidationError(
                "The date is in the future. Log a session once it has happened."
            )
        return held_on

    def clean(self):
        cleaned = super().clean()
        supervisor = cleaned.get("supervisor")
        external = (cleaned.get("external_supervisor") or "").strip()
        if self.data.get("supervisor") == str(self.staff.pk):
            # Not in the list, but say why rather than "not a valid choice".
            self.errors.pop("supervisor", None)
            self.add_error(
                "supervisor", "You cannot supervise yourself. Choose who supervised you."
            )
        elif "supervisor" not in self.errors:
            if supervisor is None and not external:
                self.add_error(
                    "supervisor", "Choose who supervised you, or name them in the next box."
                )
            elif supervisor is not None and external:
                self.add_error(
                    "external_supervisor",
                    "Leave this empty when you have chosen a supervisor from the list.",
                )
        return cleaned


class CpdForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type of activity",
        choices=[("", "Choose…"), *CpdActivity.Kind.choices],
        error_messages={
            "required": "Choose the type of activity.",
            "invalid_choice": "Choose the type of activity from the list.",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Give the activity a title."},
    )
    done_on = forms.DateField(
        label="Date",
        widget=date_input(),
        error_messages={
            "required": "Enter the date of the activity.",
            "invalid": "Enter a real date, for example 26/11/2026.",
        },
    )
    hours = forms.DecimalField(
        label="Hours",
        max_digits=4,
        decimal_places=1,
        min_value=Decimal("0.1"),
        max_value=MAX_CPD_HOURS,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
        error_messages={
            "required": "Enter the hours it took.",
            "invalid": "Enter the hours as a number, for example 1.5.",
            "min_value": "Enter the hours it took: more than 0.",
            "max_value": f"Enter no more than {MAX_CPD_HOURS} hours for one activity.",
            "max_digits": f"Enter no more than {MAX_CPD_HOURS} hours for one activity.",
            "max_whole_digits": f"Enter no more than {MAX_CPD_HOURS} hours for one activity.",
            "max_decimal_places": "Enter hours to one decimal place, for example 1.5.",
        },
    )
    learning = forms.CharField(
        label="What I learned",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    impact = forms.CharField(
        label="Impact on my practice",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you will do, or already do, differently with children and families.",
    )
    peer_reflection = forms.BooleanField(
        label="I reflected on this with peers",
        required=False,
        help_text="At least one piece a year should include peer reflection.",
    )
    resource = forms.ModelChoiceField(
        label="Resource from the library (optional)",
        queryset=Resource.objects.none(),
        required=False,
        empty_label="None",
        error_messages={"invalid_choice": "Choose a resource from the list."},
    )

    def __init__(self, *args, staff: StaffMember, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        self.fields["done_on"].initial = self.today
        resource = self.fields["resource"]
        assert isinstance(resource, forms.ModelChoiceField)
        resource.queryset = resources_for(staff)
        resource.label_from_instance = self.resource_label
        # Only once someone has chosen an outdated resource do they see the box to link
        # it anyway: the warning comes first.
        chosen = self.data.get("resource") if self.is_bound else None
        if chosen and str(chosen).isdigit() and len(str(chosen)) < 12:
            found = resource.queryset.filter(pk=int(chosen)).first()
            if found is not None and found.is_outdated(self.today):
                self.fields["link_outdated_resource"] = forms.BooleanField(
                    label=f"Link “{found.title}” even though it is past its review date",
                    required=False,
                )

    def resource_label(self, resource: Resource) -> str:
        if resource.is_outdated(self.today):
            return f"{resource.title} – outdated: review was due {resource.review_by:%d/%m/%Y}"
        return resource.title

    def clean_done_on(self) -> date:
        done_on = self.cleaned_data["done_on"]
        if done_on > self.today:
            raise forms.ValidationError(
                "The date is in the future. Record CPD once you have done it."
            )
        return done_on

    def clean(self):
        cleaned = super().clean()
        resource = cleaned.get("resource")
        if (
            resource is not None
            and resource.is_outdated(self.today)
            and not cleaned.get("link_outdated_resource")
        ):
            self.add_error(
                "resource",
                f"“{resource.title}” is past its review date "
                f"({resource.review_by:%d/%m/%Y}), so it may be out of date. Tick the box "
                "below to link it anyway, or choose another.",
            )
        return cleaned


class NotificationPreferenceForm(forms.Form):
    email_digest = forms.BooleanField(
        label="Email me a daily digest",
        required=False,
        help_text="One email on days when something is due. Reminders always appear here.",
    )
