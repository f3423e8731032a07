"""The form that adds a phrase to the company's list of similarity phrases."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from hiring.textinput import without_bidi_controls
from hiring.values.similarity import PHRASE_MAX


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class SimilarityPhraseForm(FlaskForm):
    """One phrase; the service refuses one without a word, or one already on the list once folded."""

    phrase = StringField(
        _l("Phrase"), filters=[without_bidi_controls, _strip],
        validators=[DataRequired(_l("Type a phrase of at least one word.")),
                    Length(max=PHRASE_MAX, message=_l("Keep the phrase to %(max)d characters."))],
        description=_l("Case and accents do not matter, and only whole words match: “fits in” is found in “she "
                       "fits in well”, not in “outfits”. End a word with * for every word that begins with it: "
                       "“klik*” finds klikt, klikte and klikten."))
    submit = SubmitField(_l("Add the phrase"))
