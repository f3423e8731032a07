"""Pure: does a piece of evidence speak of likeness ("fits in", "one of us", "klikte meteen") rather than of
behaviour? The company keeps the phrases (models/similarity.py); this module folds text and finds them.

Folding makes the comparison forgiving where writing varies and strict where meaning does: case and accents
are ignored ("Één van ons" is "een van ons"), and the text becomes its words, so that punctuation and line
breaks between the words of a phrase do not matter. A phrase matches whole words only: "fits in" is found in
"He fits in well" but not in "outfits include". A word of a phrase that ends in "*" matches every word that
begins with it ("klik*": klikt, klikte, klikten), for the inflections of Dutch verbs. static/similarity.js
folds and matches the same way in the browser; tests/test_similarity_matcher.py holds the examples.
Nothing here knows Flask or the database.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

PHRASE_MAX = 80
# The list a new company starts with (migration 0029 seeds its own frozen copy of it; the demo, made on a
# database whose rows a test may have emptied, restores it from here when the list is empty).
DEFAULT_PHRASES = (
    "fits in", "fit in", "one of us", "good vibe", "good vibes", "would have a beer with", "grab a beer with",
    "like me", "reminds me of myself", "reminds me of me", "gut feeling", "clicked", "we click", "culture fit",
    "our kind of person", "on the same wavelength", "felt right", "likeable", "likable",
    "past erbij", "past goed in het team", "past in het team", "een van ons", "goede vibe", "goede vibes",
    "biertje", "klik*", "onderbuikgevoel", "net als ik", "net als wij", "ons soort mensen", "voelde goed",
    "op dezelfde golflengte", "sympathiek",
)
# A word: letters, digits, underscore (after the accents are gone). A phrase's word may end in "*".
_WORD = re.compile(r"\w+")
_PHRASE_WORD = re.compile(r"\w+\*?")


def fold(text: str) -> str:
    """Case-folded, accents stripped, and only the words, single-spaced: "  Fits-IN,  één!" -> "fits in een"."""
    return " ".join(_WORD.findall(_plain(text)))


def fold_phrase(phrase: str) -> str:
    """A phrase as kept in `similarity_phrases.folded` (unique): like fold(), keeping a word's trailing "*";
    empty when the phrase has no word at all."""
    return " ".join(_PHRASE_WORD.findall(_plain(phrase)))


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _pattern(folded: str) -> str:
    words = [re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) for w in folded.split(" ")]
    # Folded text is words joined by single spaces: a phrase starts at the start or after a space, and ends at
    # the end or before one.
    return r"(?:^|(?<= ))" + " ".join(words) + r"(?= |$)"


@dataclass(frozen=True)
class Matcher:
    """The company's phrases, ready to look for: `phrases` as shown, each with its folded form."""

    phrases: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, phrases: Iterable[str]) -> Matcher:
        """A matcher for these phrases (blank ones and duplicates after folding dropped)."""
        seen, kept = set(), []
        for phrase in phrases:
            folded = fold_phrase(phrase)
            if folded and folded not in seen:
                seen.add(folded)
                kept.append((phrase.strip(), folded))
        return cls(tuple(kept))

    @property
    def _compiled(self) -> list[re.Pattern]:
        cache = self.__dict__.get("_cache")
        if cache is None:
            cache = [re.compile(_pattern(folded)) for _, folded in self.phrases]
            object.__setattr__(self, "_cache", cache)
        return cache

    @property
    def _any(self) -> re.Pattern | None:
        if "_any_cache" not in self.__dict__:
            either = "|".join(f"(?:{_pattern(folded)})" for _, folded in self.phrases)
            object.__setattr__(self, "_any_cache", re.compile(either) if either else None)
        return self.__dict__["_any_cache"]

    def found(self, text: str) -> list[str]:
        """The phrases (as the company wrote them) that occur in `text`, in the list's order."""
        folded = fold(text or "")
        if not folded:
            return []
        return [phrase for (phrase, _), pattern in zip(self.phrases, self._compiled) if pattern.search(folded)]

    def uses(self, text: str) -> bool:
        """Whether any phrase occurs in `text` (one search of one pattern: for recounting every scorecard)."""
        pattern = self._any
        return pattern is not None and bool(text) and pattern.search(fold(text)) is not None

    def count(self, texts: Iterable[str]) -> int:
        """How many of `texts` use a phrase: a scorecard's similarity flags, from its core values' evidence."""
        return sum(1 for text in texts if self.uses(text))

    def for_browser(self) -> list[list]:
        """[shown, [word, ...]] per phrase, for static/similarity.js (data-similarity on the form)."""
        return [[phrase, folded.split(" ")] for phrase, folded in self.phrases]
