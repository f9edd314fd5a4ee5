"""Which cached figures a change to a day-to-day record can affect (``core.figures``).

Most writes in the stage apps are records about one member of staff: a supervision
session, some CPD, a reflection and its ratings, a measure response, a cohort place. Such a
record can only alter figures about its person's service and the programmes that service
takes part in (and, for records that name a programme themselves, that programme). So
instead of forgetting every figure, a change to one of these records moves on only those
scopes' counters, found in one query per record:

- on save, from the saved row (and, for an update, from the row as it was before, looked
  up in ``pre_save``: a session moved to someone in another service changes both);
- on delete, from the record's foreign keys, since its row has gone.

When the lookup finds nothing (no such person any more, a foreign key left empty) the
change forgets everything, as do changes to every record not listed here: people,
services, programmes, participations, agreements, standards, stages, cohorts, tools,
measures and the like move the base version, which every scoped figure also carries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Subquery


@dataclass(frozen=True)
class Facts:
    """Where a kind of record says whose it is.

    ``service`` is the path from the record to the service whose figures it counts in
    (``supervisee__service``); ``programmes`` the paths to programmes it names itself
    (``cohort__programme``), which figures about those programmes may count whatever the
    person's service."""

    service: str
    programmes: tuple[str, ...] = ()


# app_label.modelname → where its scope is. Everything else forgets every figure.
FACTS: dict[str, Facts] = {
    "supervision.supervisionsession": Facts("supervisee__service"),
    "supervision.cpdactivity": Facts("staff__service"),
    "fidelity.fidelitycheck": Facts("staff__service"),
    "fidelity.fidelityrating": Facts("check_record__staff__service"),
    "fidelity.supportaction": Facts("staff__service"),
    "outcomes.measureresponse": Facts("staff__service", ("point__programme", "cohort__programme")),
    "outcomes.indicatorvalue": Facts("indicator__service"),
    "cohorts.membership": Facts("staff__service", ("cohort__programme",)),
    "cohorts.trainingcompletion": Facts("staff__service", ("programme",)),
    "cohorts.screening": Facts("staff__service", ("programme",)),
    "cohorts.screeningrating": Facts("screening__staff__service", ("screening__programme",)),
}

# Deleting one of these also changes other records without a signal (a support action's
# check is set to empty, and the action may be someone else's): forget everything.
DELETES_TOUCH_OTHERS = {"fidelity.fidelitycheck"}

# Many-to-many tables whose rows belong to the record on the forward side.
M2M_FACTS: dict[str, str] = {"fidelity.fidelitycheck_themes": "fidelity.fidelitycheck"}


@dataclass(frozen=True)
class Scope:
    programmes: frozenset[int]
    services: frozenset[int]

    def __or__(self, other: Scope) -> Scope:
        return Scope(self.programmes | other.programmes, self.services | other.services)


def facts_for(model: type[models.Model]) -> Facts | None:
    return FACTS.get(model._meta.label_lower)


def _scope_of_rows(rows: list[tuple[Any, ...]]) -> Scope | None:
    """Rows of (service id, a programme the service takes part in, *own programmes)."""
    services = {row[0] for row in rows if row[0] is not None}
    if not services:
        return None
    programmes = {pk for row in rows for pk in row[1:] if pk is not None}
    return Scope(frozenset(programmes), frozenset(services))


def scope_of_saved(model: type[models.Model], pk: Any, facts: Facts) -> Scope | None:
    """The scope of a record as its row stands now (one query); None if there is no row."""
    rows = list(
        model._base_manager.filter(pk=pk).values_list(
            facts.service, f"{facts.service}__participations__programme", *facts.programmes
        )
    )
    return _scope_of_rows(rows)


def _hop(model: type[models.Model], path: str) -> tuple[models.ForeignKey[Any, Any], str]:
    first, _, rest = path.partition("__")
    field = model._meta.get_field(first)
    assert isinstance(field, models.ForeignKey), path
    return field, rest


def scope_of_deleted(instance: models.Model, facts: Facts) -> Scope | None:
    """The scope of a record whose row has gone, from its foreign keys (one query)."""
    model = type(instance)
    field, rest = _hop(model, facts.service)
    root_pk = getattr(instance, field.attname)
    if root_pk is None:
        return None
    root = field.related_model._base_manager.filter(pk=root_pk)  # type: ignore[union-attr]
    # From the root (a person, a check, ...) on to the service and its programmes.
    columns = [
        rest or "pk",
        f"{rest}__participations__programme" if rest else "participations__programme",
    ]
    own: set[int] = set()
    annotations: dict[str, Subquery] = {}
    for index, path in enumerate(facts.programmes):
        hop, hop_rest = _hop(model, path)
        hop_pk = getattr(instance, hop.attname)
        if hop_pk is None:
            continue
        if not hop_rest:
            own.add(hop_pk)  # the record names the programme itself
        elif hop == field:
            columns.append(hop_rest)
        else:
            name = f"own_programme_{index}"
            target = hop.related_model._base_manager.filter(pk=hop_pk)  # type: ignore[union-attr]
            annotations[name] = Subquery(target.values(hop_rest)[:1])
            columns.append(name)
    rows = list(root.annotate(**annotations).values_list(*columns))
    found = _scope_of_rows(rows)
    if found is None:
        return None
    return found | Scope(frozenset(own), frozenset())
