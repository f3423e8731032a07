"""Typed text made safe to show: no invisible characters that change the direction of what surrounds them.

A name typed as "Ann" + U+202E + "kcirtaP" shows as "AnnPatrick" and, in a list or a sentence, turns the
text after it around too (a spoofed name, a reordered reason). Single-line names and titles have no use for
these controls: right-to-left names (Arabic, Hebrew) show correctly without them, by their letters alone.
Names already stored are shown inside <bdi> (the candidate list and page, the dossier), which keeps
whatever they hold from reaching the text around them.
"""
from __future__ import annotations

import re

# Embeddings and overrides (LRE, RLE, PDF, LRO, RLO), isolates (LRI, RLI, FSI, PDI), the marks (LRM, RLM)
# and the Arabic letter mark.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def without_bidi_controls(value):
    """The text without Unicode bidirectional control characters; anything not a string as it came.

    Usable as a WTForms filter (it gets None for a field left out) and in services.
    """
    return BIDI_CONTROLS.sub("", value) if isinstance(value, str) else value


def isolated(text: str) -> str:
    """The text between FSI and PDI: <bdi> for where no markup goes (a PDF's title and page margins, a
    flash message), so that direction controls inside a stored name cannot reorder the text around it."""
    return f"\u2068{text}\u2069"
