"""WTForms classes, a module per feature."""
from __future__ import annotations

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice


def options(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """Select choices from (value, label) pairs, in the form WTForms 3.3 and later expect."""
    return [SelectChoice(value, label) for value, label in pairs]
