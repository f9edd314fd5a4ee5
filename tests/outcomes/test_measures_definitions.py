"""Measure definitions as JSON/YAML: import, validation with a message per problem,
export, and the draft → published → new version life cycle."""

import json

import pytest
import yaml
from django.core.exceptions import ValidationError

from outcomes import definitions, services
from outcomes.models import Measure

GOOD = """
name: Practice confidence (test)
slug: practice-confidence-test
version: "1"
scale:
  min: 1
  max: 4
  labels: {1: Never, 2: Sometimes, 3: Often, 4: Always}
scoring: sum
higher_is_better: true
reliability: 0.82
reliability_kind: test_retest
reference_sd: 2.5
clinical_cutoff: 9
licence: Written for our service
attribution: Our workforce team
items:
  - {id: 1, text: I can explain trauma's effects., subscale: Understanding}
  - {id: 2, text: I find it hard to stay calm., reverse: true, subscale: Responding}
  - {id: 3, text: I offer families choices., subscale: Responding}
"""


def test_a_good_definition_reads():
    d = definitions.parse(GOOD)
    assert (d.name, d.slug, d.version, d.scoring) == (
        "Practice confidence (test)",
        "practice-confidence-test",
        "1",
        "sum",
    )
    assert (d.scale_min, d.scale_max) == (1, 4)
    assert d.scale_labels == {"1": "Never", "2": "Sometimes", "3": "Often", "4": "Always"}
    assert [(i.number, i.reverse_scored, i.subscale) for i in d.items] == [
        (1, False, "Understanding"),
        (2, True, "Responding"),
        (3, False, "Responding"),
    ]
    assert (d.reliability, d.reliability_kind, d.reference_sd, d.clinical_cutoff) == (
        0.82,
        "test_retest",
        2.5,
        9.0,
    )


def bad(**changes) -> str:
    data = yaml.safe_load(GOOD)
    for key, value in changes.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    return yaml.safe_dump(data)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            bad(items=[{"id": 1, "text": "A"}, {"id": 1, "text": "B"}]),
            "Item id 1 is used more than once.",
        ),
        (bad(scale={}), "The response scale is empty"),
        (bad(scale=None), "The response scale is empty"),
        (bad(scale={"min": 5, "max": 5}), "The scale's min (5) must be less than its max (5)."),
        (bad(scale={"min": 5, "max": 1}), "The scale's min (5) must be less than its max (1)."),
        (
            bad(scale={"min": 1, "max": 3, "labels": {1: "No", 2: "Maybe"}}),
            "The labels do not match the scale: no label for 3.",
        ),
        (
            bad(scale={"min": 1, "max": 2, "labels": {1: "No", 2: "Yes", 7: "Eh"}}),
            "The label for 7 does not match the scale (1 to 2).",
        ),
        (bad(reliability=1.4), "Reliability must be between 0 and 1."),
        (bad(reliability=-0.1), "Reliability must be between 0 and 1."),
        (bad(reference_sd=-2), "The reference SD cannot be negative."),
        (bad(items=[]), "A measure needs at least one item."),
        (bad(items=[{"id": 1, "text": ""}]), "Item 1 has no text."),
        (bad(name=None), "The measure needs a name."),
        (bad(scoring="median"), 'Scoring must be "sum" or "mean".'),
        ("{not json", "This is not valid JSON"),
        ("name: [unclosed", "This is not valid YAML"),
        ("- just\n- a list", "The definition must be a mapping"),
        ("", "The definition is empty."),
    ],
)
def test_each_problem_gets_a_clear_message(text, problem):
    with pytest.raises(definitions.DefinitionError) as refused:
        definitions.parse(text)
    assert any(problem in p for p in refused.value.problems), refused.value.problems


def test_every_problem_is_reported_at_once():
    text = bad(reliability=2, reference_sd=-1, items=[{"id": 2, "text": "A"}, {"id": 2}])
    with pytest.raises(definitions.DefinitionError) as refused:
        definitions.parse(text)
    assert len(refused.value.problems) == 3


@pytest.mark.django_db
def test_import_export_round_trip_in_json_and_yaml():
    measure = services.measure_create(definition=definitions.parse(GOOD))
    items = list(measure.items.order_by("number"))
    data = definitions.as_data(measure, items)
    for text in (definitions.to_json(data), definitions.to_yaml(data)):
        again = definitions.parse(text)
        assert again.measure_fields() == definitions.parse(GOOD).measure_fields()
        assert again.items == definitions.parse(GOOD).items
    assert json.loads(definitions.to_json(data))["items"][1] == {
        "id": 2,
        "text": "I find it hard to stay calm.",
        "reverse": True,
        "subscale": "Responding",
    }


@pytest.mark.django_db
def test_draft_publish_and_new_version():
    draft = services.measure_create(definition=definitions.parse(GOOD))
    assert draft.status == Measure.Status.DRAFT and draft.items.count() == 3
    changed = definitions.parse(GOOD.replace("I offer families choices.", "I offer choices."))
    services.measure_update(measure=draft, definition=changed)
    assert draft.items.get(number=3).text == "I offer choices."

    published = services.measure_publish(measure=draft)
    assert published.is_published and published.published_at is not None
    with pytest.raises(ValidationError, match="published and cannot change"):
        services.measure_update(measure=published, definition=changed)

    second = services.measure_new_version(measure=published)
    assert (second.slug, second.version, second.status) == (published.slug, "2", "draft")
    assert list(second.items.values_list("number", "text")) == list(
        published.items.values_list("number", "text")
    )
    # Asking again gives the same draft, not a third version.
    assert services.measure_new_version(measure=published) == second
    published.refresh_from_db()
    assert published.is_published and published.version == "1"


@pytest.mark.django_db
def test_a_version_that_exists_is_refused_and_nothing_is_stored():
    services.measure_create(definition=definitions.parse(GOOD))
    with pytest.raises(ValidationError, match="already exists"):
        services.measure_create(definition=definitions.parse(GOOD))
    assert Measure.objects.count() == 1
