from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    """Sign-in by work email. The error never says which of the two was wrong."""

    username = forms.CharField(
        label="Email address",
        max_length=254,
        # No autofocus: it would skip the heading, the instructions and the skip link, and
        # start screen-reader users part-way down the page.
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": (
            "That email address and password do not match an account. Check both and try again."
        ),
        "inactive": "This account is not active. Ask your administrator for help.",
    }
