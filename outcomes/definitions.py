"""Measure definitions as JSON or YAML: reading (with a clear message for each problem)
and writing. The same format is used to create a measure, to edit a draft and to export.

A definition looks like this (YAML; JSON has the same keys)::

    name: Practice confidence scale (demo)
    slug: practice-confidence-demo
    version: "1"
    description: How confident practitioners feel ...
    demonstration: true
    scale:
      min: 1
      max: 5
      labels: {1: Not at all confident, 2: A little, 3: Fairly, 4: Confident, 5: Very}
    scoring: mean            # or sum
    higher_is_better: true
    reliability: 0.85        # 0 to 1, optional
    reliability_kind: alpha  # alpha, test_retest or other
    reference_sd: 0.6        # optional, not negative
    clinical_cutoff: 3.0     # optional
    licence: ...
    attribution: ...
    items:
      - {id: 1, text: I can explain ..., subscale: Understanding}
      - {id: 2, text: ..., reverse: true}
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_BYTES = 200_000
MAX_ITEMS = 200
ITEM_TEXT_MAX = 300
SCORING = ("sum", "mean")
RELIABILITY_KINDS = ("alpha", "test_retest", "other")
KNOWN_KEYS = {
    "name",
    "slug",
    "version",
    "description",
    "demonstration",
    "scale",
    "scoring",
    "higher_is_better",
    "reliability",
    "reliability_kind",
    "reference_sd",
    "clinical_cutoff",
    "licence",
    "attribution",
    "items",
}


@dataclass
class ItemDefinition:
    number: int
    text: str
    reverse_scored: bool = False
    subscale: str = ""


@dataclass
class Definition:
    name: str
    slug: str
    version: str
    scale_min: int
    scale_max: int
    items: list[ItemDefinition]
    scale_labels: dict[str, str] = field(default_factory=dict)
    description: str = ""
    is_demonstration: bool = False
    scoring: str = "mean"
    higher_is_better: bool = True
    reliability: float | None = None
    reliability_kind: str = "alpha"
    reference_sd: float | None = None
    clinical_cutoff: float | None = None
    licence: str = ""
    attribution: str = ""

    def measure_fields(self) -> dict[str, Any]:
        """The values for a Measure row (everything but the items)."""
        return {
            "name": self.name,
            "slug": self.slug,
            "version": self.version,
            "description": self.description,
            "is_demonstration": self.is_demonstration,
            "scale_min": self.scale_min,
            "scale_max": self.scale_max,
            "scale_labels": self.scale_labels,
            "scoring": self.scoring,
            "higher_is_better": self.higher_is_better,
            "reliability": self.reliability,
            "reliability_kind": self.reliability_kind,
            "reference_sd": self.reference_sd,
            "clinical_cutoff": self.clinical_cutoff,
            "licence": self.licence,
            "attribution": self.attribution,
        }


class DefinitionError(ValueError):
    """A definition that cannot be used; ``problems`` lists every reason, one sentence each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))


# --- Reading -------------------------------------------------------------------------------------


def parse(text: str | bytes) -> Definition:
    """Read a definition from JSON or YAML text. Raises DefinitionError."""
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise DefinitionError([f"The file is too large (at most {MAX_BYTES // 1000} kB)."])
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DefinitionError(["The file must be UTF-8 text (JSON or YAML)."]) from None
    if len(text) > MAX_BYTES:
        raise DefinitionError([f"The definition is too long (at most {MAX_BYTES // 1000} kB)."])
    if not text.strip():
        raise DefinitionError(["The definition is empty."])
    data = _load(text)
    return validate(data)


def _load(text: str) -> Any:
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise DefinitionError(
                [
                    f"This is not valid JSON (line {error.lineno}, column {error.colno}): "
                    f"{error.msg}."
                ]
            ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(error, "problem", None) or "it could not be read"
        raise DefinitionError([f"This is not valid YAML{where}: {problem}."]) from None


def validate(data: Any) -> Definition:
    """Check a loaded definition, collecting every problem before refusing it."""
    if not isinstance(data, dict):
        raise DefinitionError(["The definition must be a mapping of keys (name, scale, items …)."])
    problems: list[str] = []
    unknown = sorted(str(k) for k in data if k not in KNOWN_KEYS)
    if unknown:
        problems.append(f"Unknown keys: {', '.join(unknown)}.")

    name = _text(data, "name", problems, required=True, max_length=200)
    slug = _text(data, "slug", problems, max_length=80) or _slugify(name)
    if slug and not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
        problems.append("The slug may contain only lower-case letters, digits and hyphens.")
    version = data.get("version", "1")
    if isinstance(version, bool) or not isinstance(version, (str, int, float)):
        problems.append('The version must be text such as "1" or "2.1".')
        version = "1"
    version = str(version).strip()
    if not version or len(version) > 20:
        problems.append("The version must be 1 to 20 characters.")

    scale_min, scale_max, labels = _scale(data.get("scale"), problems)
    items = _items(data.get("items"), problems)

    scoring = data.get("scoring", "mean")
    if scoring not in SCORING:
        problems.append('Scoring must be "sum" or "mean".')
    higher = _bool(data, "higher_is_better", True, problems)
    demo = _bool(data, "demonstration", False, problems)
    reliability = _number(data, "reliability", problems)
    if reliability is not None and not 0 <= reliability <= 1:
        problems.append("Reliability must be between 0 and 1.")
    kind = data.get("reliability_kind", "alpha")
    if kind not in RELIABILITY_KINDS:
        problems.append("reliability_kind must be one of: alpha, test_retest, other.")
    sd = _number(data, "reference_sd", problems)
    if sd is not None and sd < 0:
        problems.append("The reference SD cannot be negative.")
    cutoff = _number(data, "clinical_cutoff", problems)
    description = _text(data, "description", problems, max_length=5000)
    licence = _text(data, "licence", problems, max_length=200)
    attribution = _text(data, "attribution", problems, max_length=5000)

    if problems:
        raise DefinitionError(problems)
    return Definition(
        name=name,
        slug=slug,
        version=version,
        scale_min=scale_min,
        scale_max=scale_max,
        scale_labels=labels,
        items=items,
        description=description,
        is_demonstration=demo,
        scoring=scoring,
        higher_is_better=higher,
        reliability=reliability,
        reliability_kind=kind,
        reference_sd=sd,
        clinical_cutoff=cutoff,
        licence=licence,
        attribution=attribution,
    )


def _scale(scale: Any, problems: list[str]) -> tuple[int, int, dict[str, str]]:
    if not isinstance(scale, dict) or not scale:
        problems.append(
            "The response scale is empty: give it a min, a max and, if you like, labels."
        )
        return 0, 1, {}
    raw_low: Any = scale.get("min")
    raw_high: Any = scale.get("max")
    if not _is_int(raw_low) or not _is_int(raw_high):
        problems.append("The scale's min and max must be whole numbers.")
        return 0, 1, {}
    low, high = int(raw_low), int(raw_high)
    if low >= high:
        problems.append(f"The scale's min ({low}) must be less than its max ({high}).")
        return 0, 1, {}
    if not (-100 <= low and high <= 100):
        problems.append("The scale must lie between -100 and 100.")
        return 0, 1, {}
    raw_labels: Any = scale.get("labels") or {}
    if isinstance(raw_labels, list):  # a list of labels, lowest value first
        given = len(raw_labels)
        raw_labels = dict(zip(range(low, low + given), raw_labels, strict=False))
        if given != high - low + 1:
            problems.append(
                f"The labels do not match the scale: {high - low + 1} values "
                f"({low} to {high}) need {high - low + 1} labels."
            )
            return low, high, {}
    if not isinstance(raw_labels, dict):
        problems.append("The scale's labels must map each value to its label.")
        return low, high, {}
    labels: dict[str, str] = {}
    for key, label in raw_labels.items():
        value = int(key) if _is_int(key) else _int_text(key)
        if value is None or not low <= value <= high:
            problems.append(f"The label for {key} does not match the scale ({low} to {high}).")
            continue
        if not isinstance(label, str) or not label.strip() or len(label) > 100:
            problems.append(f"The label for {value} must be text of up to 100 characters.")
            continue
        labels[str(value)] = label.strip()
    missing = [v for v in range(low, high + 1) if str(v) not in labels]
    if labels and missing:
        problems.append(
            "The labels do not match the scale: no label for "
            + ", ".join(str(v) for v in missing)
            + "."
        )
    return low, high, {str(v): labels[str(v)] for v in range(low, high + 1) if str(v) in labels}


def _items(raw: Any, problems: list[str]) -> list[ItemDefinition]:
    if not isinstance(raw, list) or not raw:
        problems.append("A measure needs at least one item.")
        return []
    if len(raw) > MAX_ITEMS:
        problems.append(f"A measure can have at most {MAX_ITEMS} items.")
        return []
    items: list[ItemDefinition] = []
    seen: set[int] = set()
    for position, entry in enumerate(raw, start=1):
        if isinstance(entry, str):
            entry = {"text": entry}
        if not isinstance(entry, dict):
            problems.append(f"Item {position} must be a mapping with an id and a text.")
            continue
        number = entry.get("id", position)
        if not _is_int(number) or not 1 <= number <= 32767:
            problems.append(f"Item {position}: the id must be a whole number from 1.")
            continue
        if number in seen:
            problems.append(f"Item id {number} is used more than once.")
            continue
        seen.add(number)
        text = entry.get("text")
        if not isinstance(text, str) or not text.strip():
            problems.append(f"Item {number} has no text.")
            continue
        if len(text) > ITEM_TEXT_MAX:
            problems.append(f"Item {number}'s text is longer than {ITEM_TEXT_MAX} characters.")
            continue
        reverse = entry.get("reverse", False)
        if not isinstance(reverse, bool):
            problems.append(f"Item {number}: reverse must be true or false.")
            continue
        subscale = entry.get("subscale") or ""
        if not isinstance(subscale, str) or len(subscale) > 80:
            problems.append(f"Item {number}: the subscale must be text of up to 80 characters.")
            continue
        items.append(ItemDefinition(number, text.strip(), reverse, subscale.strip()))
    return items


def _text(
    data: dict, key: str, problems: list[str], *, required: bool = False, max_length: int
) -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            problems.append(f"The measure needs a {key}.")
        return ""
    if not isinstance(value, str):
        problems.append(f"The {key} must be text.")
        return ""
    value = value.strip()
    if len(value) > max_length:
        problems.append(f"The {key} is longer than {max_length} characters.")
        return ""
    if required and not value:
        problems.append(f"The measure needs a {key}.")
    return value


def _bool(data: dict, key: str, default: bool, problems: list[str]) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        problems.append(f"{key} must be true or false.")
        return default
    return value


def _number(data: dict, key: str, problems: list[str]) -> float | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        problems.append(f"The {key.replace('_', ' ')} must be a number.")
        return None
    return float(value)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_text(value: Any) -> int | None:
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,4}", value.strip()):
        return int(value)
    return None


def _slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80]


# --- Writing -------------------------------------------------------------------------------------


def as_data(measure: Any, items: list[Any]) -> dict[str, Any]:
    """A measure (and its items, in order) as plain data in the definition format."""
    data: dict[str, Any] = {
        "name": measure.name,
        "slug": measure.slug,
        "version": measure.version,
        "description": measure.description,
        "demonstration": measure.is_demonstration,
        "scale": {
            "min": measure.scale_min,
            "max": measure.scale_max,
            "labels": {int(k): v for k, v in sorted(measure.scale_labels.items(), key=_key)},
        },
        "scoring": measure.scoring,
        "higher_is_better": measure.higher_is_better,
        "reliability": measure.reliability,
        "reliability_kind": measure.reliability_kind,
        "reference_sd": measure.reference_sd,
        "clinical_cutoff": measure.clinical_cutoff,
        "licence": measure.licence,
        "attribution": measure.attribution,
        "items": [_item_data(item) for item in items],
    }
    return data


def _key(pair: tuple[str, str]) -> int:
    return int(pair[0])


def _item_data(item: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"id": item.number, "text": item.text}
    if item.reverse_scored:
        data["reverse"] = True
    if item.subscale:
        data["subscale"] = item.subscale
    return data


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def to_yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
