"""The daily digest emails are filled into pieces of their templates rendered once a run
(supervision.services.DigestLayout); what comes out must be exactly what the templates
render for each person, escaping included."""

import datetime as dt

import pytest
from django.template.loader import get_template
from hypothesis import given, settings
from hypothesis import strategies as st

from supervision.services import DigestLayout

TODAY = dt.date(2026, 11, 26)
CONTEXT = {"today": TODAY, "notifications_url": "https://launchpad.example/notifications/"}
CASES = [
    ("Aoife O'Neill", []),
    ("Sam", [("Your line management supervision was due on 16/11/2026.", "https://x/my/")]),
    (
        "Priya & <Co>",
        [
            ('Reflect on "safety" <b>now</b> & then', "https://x/a/?b=1&c=2"),
            ("Second — ünïcödé ✓", "https://x/notifications/"),
            ("\nAll your reminders", "https://x/"),  # looks like the template's own text
        ],
    ),
]


def expected(template_name: str, name: str, items) -> str:
    return get_template(template_name).render({**CONTEXT, "name": name, "items": items})


@pytest.mark.parametrize(("name", "items"), CASES)
@pytest.mark.parametrize(
    ("template_name", "escape"),
    [("supervision/email/digest.txt", False), ("supervision/email/digest.html", True)],
)
def test_filled_layout_equals_the_template(template_name, escape, name, items):
    layout = DigestLayout(get_template(template_name), CONTEXT, escape_values=escape)
    assert layout.render(name, items) == expected(template_name, name, items)


def test_the_html_escapes_what_people_wrote():
    layout = DigestLayout(
        get_template("supervision/email/digest.html"), CONTEXT, escape_values=True
    )
    html = layout.render("A <script>", [("<img src=x>", "https://x/?a=1&b=2")])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and 'href="https://x/?a=1&amp;b=2"' in html


text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=60, deadline=None)
@given(name=text, items=st.lists(st.tuples(text, text), max_size=4))
def test_any_names_and_items_render_as_the_templates_do(name, items):
    for template_name, escape in (
        ("supervision/email/digest.txt", False),
        ("supervision/email/digest.html", True),
    ):
        layout = DigestLayout(get_template(template_name), CONTEXT, escape_values=escape)
        assert layout.render(name, items) == expected(template_name, name, items)
