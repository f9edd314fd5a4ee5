from django import forms

from .queries import period_choices


class PeriodForm(forms.Form):
    """The date a dashboard or report shows its figures as at."""

    as_of = forms.ChoiceField(label="Figures as at", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["as_of"].choices = period_choices()
