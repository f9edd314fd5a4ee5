"""Forms for the reflection tool, checks, responses and support actions."""

from __future__ import annotations

from datetime import date

from django import forms
from django.forms import RadioSelect
from django.utils import timezone

from .models import (
    MAX_ITEMS,
    RATING_LABELS,
    ChallengeTheme,
    FidelityCheck,
    FidelityItem,
    FidelityTool,
    Principle,
)

RATING_CHOICES = [(str(value), label) for value, label in RATING_LABELS.items()]
TEXT_LIMIT = 2000


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ToolForm(forms.Form):
    """A new version of the reflection tool: a name, a line of description, and up to
    eight items, each linked to a principle. Blank rows are left out."""

    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Give the tool a name."}
    )
    description = forms.CharField(
        label="What it is for",
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown to practitioners at the top of the reflection.",
    )

    def __init__(self, *args, tool: FidelityTool | None = None, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        if tool is not None:
            initial.setdefault("name", tool.name)
            initial.setdefault("description", tool.description)
            for item in tool.items.all():
                initial.setdefault(f"principle_{item.number}", item.principle)
                initial.setdefault(f"prompt_{item.number}", item.prompt)
        super().__init__(*args, initial=initial, **kwargs)
        for number in range(1, MAX_ITEMS + 1):
            self.fields[f"principle_{number}"] = forms.ChoiceField(
                label=f"Item {number}: principle",
                required=False,
                choices=[("", "—")] + Principle.choices,
                error_messages={"invalid_choice": "Choose a principle from the list."},
            )
            self.fields[f"prompt_{number}"] = forms.CharField(
                label=f"Item {number}: prompt",
                required=False,
                max_length=300,
                widget=forms.TextInput(),
            )

    def rows(self):
        """(number, principle field, prompt field) for the template's table."""
        return [(n, self[f"principle_{n}"], self[f"prompt_{n}"]) for n in range(1, MAX_ITEMS + 1)]

    def clean(self):
        data = super().clean()
        items = []
        for number in range(1, MAX_ITEMS + 1):
            principle = data.get(f"principle_{number}") or ""
            prompt = (data.get(f"prompt_{number}") or "").strip()
            if not principle and not prompt:
                continue
            if not principle:
                self.add_error(f"principle_{number}", "Choose the principle this item is about.")
            if not prompt:
                self.add_error(f"prompt_{number}", "Write the prompt, or clear the principle.")
            items.append((principle, prompt))
        if not items and not self.errors:
            raise forms.ValidationError("Add at least one item.")
        data["items"] = items
        return data


class ToolUseForm(forms.Form):
    """Pick which published version new checks use."""

    tool = forms.ModelChoiceField(
        label="Version new checks use",
        queryset=FidelityTool.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Choose a version from the list."},
    )

    def __init__(self, *args, programme_tools=None, **kwargs):
        super().__init__(*args, **kwargs)
        if programme_tools is not None:
            self.fields["tool"].queryset = programme_tools


class CheckForm(forms.Form):
    """A reflection: one tap per item on the strengths-based scale, then optional words.

    ``staff_choices`` adds a "who" field (observations and supervision checks);
    ``kind_choices`` lets the line manager say whether it was an observation or in
    supervision.
    """

    done_on = forms.DateField(
        label="Date",
        widget=date_input(),
        error_messages={
            "required": "Enter the date of the work you are reflecting on.",
            "invalid": "Enter a real date, for example 26/11/2026.",
        },
    )
    went_well = forms.CharField(
        label="What went well",
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    got_in_the_way = forms.CharField(
        label="What got in the way",
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    themes = forms.ModelMultipleChoiceField(
        label="Themes",
        required=False,
        queryset=ChallengeTheme.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "btn-check"}),
        help_text="Tag what got in the way, if any of these fit.",
        error_messages={"invalid_choice": "Choose themes from the list."},
    )
    support_wanted = forms.TypedChoiceField(
        label="Would support help?",
        choices=[("no", "No, not now"), ("yes", "Yes, support would help")],
        coerce=lambda value: value == "yes",
        initial="no",
        widget=RadioSelect(attrs={"class": "btn-check"}),
        help_text="Yes asks the line manager to agree what would help, and by when.",
        error_messages={"invalid_choice": "Choose yes or no."},
    )

    def __init__(
        self,
        *args,
        items: list[FidelityItem],
        themes,
        staff_choices=None,
        kind_choices: list[tuple[str, str]] | None = None,
        check: FidelityCheck | None = None,
        **kwargs,
    ):
        initial = kwargs.pop("initial", {}) or {}
        initial.setdefault("done_on", timezone.localdate())
        if check is not None:
            initial.update(
                done_on=check.done_on,
                went_well=check.went_well,
                got_in_the_way=check.got_in_the_way,
                support_wanted="yes" if check.support_wanted else "no",
                themes=list(check.themes.all()),
            )
            for rating in check.ratings.all():
                initial[f"item_{rating.item_id}"] = str(rating.rating)
        super().__init__(*args, initial=initial, **kwargs)
        self.items = items
        self.fields["themes"].queryset = themes
        fields = dict(self.fields)
        self.fields.clear()
        if staff_choices is not None:
            self.fields["staff"] = forms.ModelChoiceField(
                label="Who",
                queryset=staff_choices,
                empty_label="Choose a person",
                error_messages={
                    "required": "Choose whose practice this is about.",
                    "invalid_choice": "Choose someone in your team.",
                },
            )
        if kind_choices is not None:
            self.fields["kind"] = forms.ChoiceField(
                label="How",
                choices=kind_choices,
                initial=kind_choices[0][0],
                widget=RadioSelect(attrs={"class": "btn-check"}),
                error_messages={"invalid_choice": "Choose observation or supervision."},
            )
        self.fields["done_on"] = fields.pop("done_on")
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.TypedChoiceField(
                label=item.prompt,
                choices=RATING_CHOICES,
                coerce=int,
                widget=RadioSelect(attrs={"class": "btn-check"}),
                error_messages={
                    "required": "Choose how often this showed.",
                    "invalid_choice": "Choose one of the four ratings.",
                },
            )
        self.fields.update(fields)

    def item_fields(self):
        """(item, its rating field) for the template's fieldsets."""
        return [(item, self[f"item_{item.pk}"]) for item in self.items]

    def ratings(self) -> dict[int, int]:
        return {item.pk: self.cleaned_data[f"item_{item.pk}"] for item in self.items}

    def clean_done_on(self) -> date:
        done_on = self.cleaned_data["done_on"]
        if done_on > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        return done_on


class ResponseForm(forms.Form):
    response = forms.CharField(
        label="Your response",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you make of it, and anything you would add. Both of you will see it.",
        error_messages={"required": "Write your response, or go back."},
    )


class SupportActionForm(forms.Form):
    description = forms.CharField(
        label="What will help",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what will help."},
    )
    due_on = forms.DateField(
        label="Due by",
        widget=date_input(),
        error_messages={
            "required": "Enter when this support should happen by.",
            "invalid": "Enter a real date, for example 26/11/2026.",
        },
    )
