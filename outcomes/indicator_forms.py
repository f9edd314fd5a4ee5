"""Forms for service indicators: define one, record a period's value, upload history."""

from django import forms
from django.utils import timezone

from commissioning.models import Service

from .indicators import MAX_UPLOAD_BYTES, MAX_VALUE, indicator_rows_parse
from .models import ServiceIndicator


class RadioSelect(forms.RadioSelect):
    """Radios whose group "label" points at the first option, so the error summary's link
    moves focus into the group."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


DIRECTION_CHOICES = [("lower", "Lower is better"), ("higher", "Higher is better")]
MAX_ERRORS_SHOWN = 25


def _value_field(label: str, help_text: str) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        min_value=0,
        max_value=MAX_VALUE,
        help_text=help_text,
        error_messages={
            "required": "Enter a number.",
            "invalid": "Enter a number, for example 4 or 12.5.",
            "min_value": "Enter 0 or more.",
            "max_value": "Enter a number less than a billion.",
        },
    )


class IndicatorForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=120,
        help_text="For example: placement moves, exclusions, complaints, staff turnover.",
        error_messages={"required": "Enter a name for the indicator."},
    )
    unit = forms.CharField(
        label="Unit (optional)",
        max_length=40,
        required=False,
        help_text="What one figure counts, e.g. “moves a month” or “% over 12 months”.",
    )
    direction = forms.ChoiceField(
        label="Which way is better?",
        choices=DIRECTION_CHOICES,
        widget=RadioSelect,
        error_messages={"required": "Choose whether a higher or a lower figure is better."},
    )
    baseline_value = _value_field("Baseline value", "The figure before the programme began.")
    baseline_period = forms.CharField(
        label="Baseline period",
        max_length=40,
        help_text="The period the baseline describes, e.g. “2025–26 Q4”.",
        error_messages={"required": "Enter the period the baseline describes."},
    )

    def __init__(self, *args, service: Service, **kwargs):
        self.service = service
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Enter a name for the indicator.")
        if ServiceIndicator.objects.filter(service=self.service, name__iexact=name).exists():
            raise forms.ValidationError(
                f"{self.service.name} already has an indicator of this name."
            )
        return name

    def clean_baseline_period(self) -> str:
        period = self.cleaned_data["baseline_period"].strip()
        if not period:
            raise forms.ValidationError("Enter the period the baseline describes.")
        return period


class IndicatorValueForm(forms.Form):
    period_start = forms.DateField(
        label="Period starting",
        help_text="The first day of the period the figure covers, e.g. 01/04/2026.",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the date the period starts.",
            "invalid": "Enter a real date, for example 01/04/2026.",
        },
    )
    value = _value_field("Value", "Recording a figure for a period that has one replaces it.")

    def clean_period_start(self):
        period = self.cleaned_data["period_start"]
        if period > timezone.localdate():
            raise forms.ValidationError("The period cannot start in the future.")
        return period


class IndicatorUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns indicator, period_start, value. Up to 1 MB.",
        error_messages={"required": "Choose a CSV file to upload.", "empty": "The file is empty."},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, service: Service, **kwargs):
        self.service = service
        super().__init__(*args, **kwargs)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 1 MB.")
        raw = upload.read()
        _, errors = indicator_rows_parse(service=self.service, raw=raw)
        if errors:
            shown = errors[:MAX_ERRORS_SHOWN]
            if len(errors) > MAX_ERRORS_SHOWN:
                shown.append(f"…and {len(errors) - MAX_ERRORS_SHOWN} more rows with problems.")
            shown.append("Nothing was saved. Correct the file and upload it again.")
            raise forms.ValidationError(shown)
        self.raw = raw
        return upload
