"""WTForms classes, a module per feature."""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from wtforms import IntegerField
from wtforms.fields.choices import SelectChoice

from hiring.bounds import MAX_ID


class BoundedIntegerField(IntegerField):
    """An IntegerField that reads only what an INTEGER column holds (up to hiring.bounds.MAX_ID either way);
    a larger number is refused next to the field, as text that is not a number is.

    WTForms' NumberRange calls math.isnan(), which raises OverflowError for an int beyond a float's range: a
    400-digit week or number of days was a 500 (found by tests/test_fuzz_forms.py)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and abs(self.data) > MAX_ID:
            self.data = None
            raise ValueError(self.invalid_value_message or _("That number is too large."))


def options(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """Select choices from (value, label) pairs, in the form WTForms 3.3 and later expect."""
    return [SelectChoice(value, label) for value, label in pairs]
