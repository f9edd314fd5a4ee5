"""Every form, fed random and hostile values: never a 500, errors shown, nothing written.

Form pages are discovered: any page whose GET puts a ``form`` in its context.
"""

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .sweep import ACCESS, ARGUMENTS, FORM_PAGES, PUBLIC, discover_pages
from .test_permission_matrix import row_counts

HOSTILE_TEXT = st.one_of(
    st.text(max_size=50),
    st.text(min_size=5000, max_size=20000),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "'; DROP TABLE auth_user; --",
            "\u202e\u0000\ufeffzalgơ̸̡",
            "{{ 7*7 }}",
            " ",
        ]
    ),
)
HOSTILE_NUMBER = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["NaN", "1e309", "-0", "1,5", "½"]),
)
HOSTILE_DATE = st.sampled_from(
    ["2026-02-30", "31/13/2026", "0000-00-00", "yesterday", "9999-99-99"]
)


def strategy_for(field: forms.Field):
    if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
        value = st.one_of(HOSTILE_NUMBER, HOSTILE_TEXT)
    elif isinstance(field, (forms.DateField, forms.DateTimeField)):
        value = st.one_of(HOSTILE_DATE, HOSTILE_TEXT)
    else:
        value = HOSTILE_TEXT
    return st.one_of(st.none(), value)  # None: the field is left out entirely


def viewer(name: str) -> str | None:
    access = ACCESS[name]
    if access == PUBLIC:
        return "anonymous"
    return next((role for role, status in access.items() if status == 200), None)


OPENABLE = [
    p for p in discover_pages() if viewer(p.name) and (not p.arguments or p.name in ARGUMENTS)
]
FUZZED = [p for p in OPENABLE if p.name in FORM_PAGES]


def form_on(client, world, page):
    role = viewer(page.name)
    if role != "anonymous":
        client.force_login(getattr(world, role))
    kwargs = ARGUMENTS[page.name][0](world) if page.arguments else {}
    url = reverse(page.name, kwargs=kwargs)
    response = client.get(url, follow=True)
    context = response.context or {}
    form = context.get("form") if hasattr(context, "get") else None
    return url, form


def test_every_form_page_is_fuzzed(world):
    found = {p.name for p in OPENABLE if form_on(Client(), world, p)[1] is not None}
    assert found == FORM_PAGES, "Update FORM_PAGES in tests/quality/sweep.py"


@pytest.mark.parametrize("page", FUZZED, ids=[p.name for p in FUZZED])
def test_hostile_input_never_breaks_a_form(client, world, page, settings_override):
    url, form = form_on(client, world, page)
    assert form is not None
    fields = {name: strategy_for(field) for name, field in form.fields.items()}

    @settings(
        max_examples=20,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    @given(st.fixed_dictionaries(fields))
    def check(values):
        data = {k: v for k, v in values.items() if v is not None}
        before = row_counts()
        response = client.post(url, data)
        assert response.status_code < 500
        if response.status_code == 200:
            body = response.content.decode()
            assert "There is a problem" in body, f"{url}: form re-shown without an error summary"
            assert "<script>alert(1)</script>" not in body
            assert row_counts() == before

    check()


@pytest.fixture
def settings_override(settings):
    # Lock-out after repeated failures is tested on its own; here it would end the fuzz.
    settings.AXES_ENABLED = False
    return settings
