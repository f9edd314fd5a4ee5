"""Forms for measure definitions, measurement points and completing a measure."""

from __future__ import annotations

from django import forms

from . import definitions
from .models import Measure, MeasureItem, MeasurementPoint

DEFINITION_HELP = (
    "YAML or JSON in Launchpad's measure format: name, version, scale (min, max, labels), "
    "scoring (sum or mean), higher_is_better, reliability, reference_sd, clinical_cutoff, "
    "licence, attribution and items (id, text, reverse, subscale). Export any measure to "
    "see a complete example."
)


class DefinitionForm(forms.Form):
    """A definition, pasted or (on create) uploaded; parsed and checked in clean()."""

    file = forms.FileField(
        label="Definition file",
        required=False,
        help_text="A .yaml, .yml or .json file of up to 200 kB.",
    )
    text = forms.CharField(
        label="Or paste the definition",
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false", "class": "font-monospace"}),
        help_text=DEFINITION_HELP,
        max_length=definitions.MAX_BYTES,
    )

    def __init__(self, *args, with_file: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_file:
            del self.fields["file"]
            self.fields["text"].label = "Definition"
        self.definition: definitions.Definition | None = None

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        text = cleaned.get("text") or ""
        if self.errors:
            return cleaned
        field = "text"
        if upload:
            field = "file"
            if upload.size > definitions.MAX_BYTES:
                self.add_error("file", "The file is too large (at most 200 kB).")
                return cleaned
            source: str | bytes = upload.read()
        elif text.strip():
            source = text
        else:
            self.add_error(
                "file" if "file" in self.fields else "text",
                "Choose a definition file or paste a definition.",
            )
            return cleaned
        try:
            self.definition = definitions.parse(source)
        except definitions.DefinitionError as error:
            for problem in error.problems:
                self.add_error(field, problem)
        return cleaned


class MeasurementPointForm(forms.ModelForm):
    measure = forms.ModelChoiceField(
        queryset=Measure.objects.none(),
        help_text="Only published measures can be attached.",
    )
    opens_after_days = forms.IntegerField(
        label="Opens (days after the anchor date)",
        min_value=-365,
        max_value=1100,
        help_text="Negative for before: −21 opens three weeks before training starts; "
        "42 opens six weeks after it ends; 182 about six months after.",
    )
    window_days = forms.IntegerField(
        label="Stays open for (days)", min_value=1, max_value=365, initial=28
    )

    class Meta:
        model = MeasurementPoint
        fields = ["measure", "kind", "label", "anchor", "opens_after_days", "window_days"]
        labels = {"kind": "Kind of point", "anchor": "Counted from"}
        help_texts = {"label": "What people see, e.g. “Six weeks after training”."}

    def __init__(self, *args, measures=None, **kwargs):
        super().__init__(*args, **kwargs)
        if measures is not None:
            self.fields["measure"].queryset = measures

    def validate_unique(self):
        # The programme is set by the service, which checks the label is free.
        pass


class ResponseForm(forms.Form):
    """One radio group per item, labelled from the measure's scale. Answers may be left
    blank while saving for later; the service decides whether a submission is complete."""

    PREFIX = "item_"

    def __init__(self, *args, measure: Measure, items: list[MeasureItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        choices = [
            (str(value), measure.scale_labels.get(str(value), str(value)))
            for value in range(measure.scale_min, measure.scale_max + 1)
        ]
        for item in items:
            self.fields[f"{self.PREFIX}{item.number}"] = forms.ChoiceField(
                label=f"{item.number}. {item.text}",
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
            )

    def clean(self):
        cleaned = super().clean()
        unknown = sorted(
            key.removeprefix(self.PREFIX)
            for key in (self.data or {})
            if key.startswith(self.PREFIX) and key not in self.fields
        )
        for key in unknown[:5]:
            self.add_error(None, f"There is no item {key[:10]} in this measure.")
        return cleaned

    def answers(self) -> dict[str, str]:
        return {
            name.removeprefix(self.PREFIX): value
            for name, value in self.cleaned_data.items()
            if value not in (None, "")
        }

    def item_fields(self):
        """(item, bound field) pairs for the template's fieldsets."""
        return [(item, self[f"{self.PREFIX}{item.number}"]) for item in self.items]
