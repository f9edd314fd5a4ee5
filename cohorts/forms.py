from django import forms

from .models import RATING_LABELS, Cohort, Criterion, Screening
from .staff_import import MAX_FILE_BYTES, FileProblem, read_table


class RadioSelect(forms.RadioSelect):
    """Radios whose group "label" points at the first option, so the error summary's link
    for the field moves focus into the group (Django's points at nothing)."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


RATING_CHOICES = [(str(value), f"{value} – {label}") for value, label in RATING_LABELS.items()]
INTEREST_HELP = "What the practitioner told you about becoming a champion: selection is mutual."


class ScreeningForm(forms.Form):
    """A rating and an evidence note for each alignment criterion, plus interest."""

    def __init__(self, *args, screening: Screening | None = None, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        if screening is not None:
            initial.setdefault("practitioner_interest", screening.practitioner_interest)
            initial.setdefault("already_practising", screening.already_practising)
            for rating in screening.ratings.all():
                initial.setdefault(f"rating_{rating.criterion}", str(rating.rating))
                initial.setdefault(f"evidence_{rating.criterion}", rating.evidence)
        super().__init__(*args, initial=initial, **kwargs)
        for criterion in Criterion:
            self.fields[f"rating_{criterion.value}"] = forms.ChoiceField(
                label=f"Rating: {criterion.label.lower()}",
                choices=RATING_CHOICES,
                widget=RadioSelect(attrs={"class": "btn-check"}),
                error_messages={"required": "Choose a rating."},
            )
            self.fields[f"evidence_{criterion.value}"] = forms.CharField(
                label=f"Evidence: {criterion.label.lower()}",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="What you have seen or heard that supports the rating.",
            )
        self.fields["practitioner_interest"] = forms.ChoiceField(
            label="Their interest in becoming a champion",
            choices=Screening.Interest.choices,
            widget=RadioSelect,
            help_text=INTEREST_HELP,
            error_messages={"required": "Choose what they told you about taking part."},
        )
        self.fields["already_practising"] = forms.BooleanField(
            label="Already practising this way without the label",
            required=False,
        )

    def criteria(self):
        """(criterion, rating field, evidence field) for the template's fieldsets."""
        return [(c, self[f"rating_{c.value}"], self[f"evidence_{c.value}"]) for c in Criterion]

    def clean(self):
        cleaned = super().clean()
        for criterion in Criterion:
            rating = cleaned.get(f"rating_{criterion.value}")
            evidence = (cleaned.get(f"evidence_{criterion.value}") or "").strip()
            if rating not in (None, "0") and not evidence:
                self.add_error(
                    f"evidence_{criterion.value}",
                    "Add a note of what you have seen: every rating above 0 needs evidence.",
                )
        return cleaned

    def ratings(self) -> dict[str, tuple[int, str]]:
        return {
            c.value: (
                int(self.cleaned_data[f"rating_{c.value}"]),
                self.cleaned_data[f"evidence_{c.value}"],
            )
            for c in Criterion
        }


class ReflectionForm(forms.Form):
    practitioner_interest = forms.ChoiceField(
        label="Would you like to become a champion?",
        choices=[
            (Screening.Interest.INTERESTED, "Yes, I am interested"),
            (Screening.Interest.NOT_NOW, "Not at the moment"),
        ],
        widget=RadioSelect,
        error_messages={"required": "Say whether you would like to become a champion."},
    )
    practitioner_reflection = forms.CharField(
        label="Your reflection",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Anything you would like your manager to know: examples from your practice, "
        "what you would like to learn, or what might get in the way.",
    )


class CohortForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    wave = forms.IntegerField(
        label="Wave number",
        min_value=1,
        max_value=50,
        help_text="Wave 1 is the champions; later waves widen out.",
    )
    planned_size = forms.IntegerField(
        label="Planned places (whole cohort)", min_value=1, max_value=1000
    )
    training_start = forms.DateField(
        label="Training starts",
        required=False,
        help_text="For example 15/01/2027.",
        widget=forms.DateInput(format="%d/%m/%Y"),
    )
    training_end = forms.DateField(
        label="Training ends",
        required=False,
        help_text="For example 26/02/2027.",
        widget=forms.DateInput(format="%d/%m/%Y"),
    )
    status = forms.ChoiceField(label="Status", choices=Cohort.Status.choices)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("training_start"), cleaned.get("training_end")
        if start and end and end < start:
            self.add_error("training_end", "Training cannot end before it starts.")
        return cleaned


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label="Staff list (CSV or Excel .xlsx)",
        help_text="Up to 5 MB. Use the template's column names; the first row holds them.",
        error_messages={
            "required": "Choose a CSV or Excel file to upload.",
            "empty": "The file is empty.",
        },
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-"
                "officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is 5 MB. Split it "
                "into smaller files, or remove columns we do not use."
            )
        content = upload.read()
        try:
            read_table(content, upload.name)
        except FileProblem as problem:
            raise forms.ValidationError(problem.messages) from None
        self.content = content
        return upload
