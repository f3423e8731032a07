"""The similarity matcher (hiring/values/similarity.py): folding, whole words, accents, Dutch, wildcards."""
from __future__ import annotations

import pytest

from hiring.values.similarity import Matcher, fold, fold_phrase

LIST = Matcher.of(["fits in", "one of us", "good vibe", "would have a beer with", "past erbij", "een van ons",
                   "onderbuikgevoel", "klik*", "net als ik"])


def test_fold_ignores_case_accents_punctuation_and_spacing():
    assert fold("  Fits-IN,\n\tÉén!  ") == "fits in een"
    assert fold("Ça CLIQUE") == "ca clique"
    assert fold("") == "" and fold("—!?") == ""


def test_fold_phrase_keeps_a_trailing_star_and_is_empty_without_words():
    assert fold_phrase(" Klik* ") == "klik*"
    assert fold_phrase("Fits   in.") == fold_phrase("fits in") == "fits in"
    assert fold_phrase(" *!- ") == ""


@pytest.mark.parametrize("text, found", [
    ("He fits in well with the team.", ["fits in"]),
    ("FITS\nIN", ["fits in"]),
    ("Honestly, she is one of us.", ["one of us"]),
    ("Good vibe all round; I would have a beer with him.", ["good vibe", "would have a beer with"]),
    ("Hij past erbij.", ["past erbij"]),
    ("Echt één van ons!", ["een van ons"]),                     # accents ignored
    ("Mijn onderbuikgevoel zegt ja.", ["onderbuikgevoel"]),
    ("Het klikte meteen.", ["klik*"]),                          # klik* matches klikte
    ("We klikken", ["klik*"]),
    ("Ze is net als ik.", ["net als ik"]),
])
def test_phrases_are_found(text, found):
    assert LIST.found(text) == found
    assert LIST.uses(text)


@pytest.mark.parametrize("text", [
    "Her outfits include a suit.",               # 'fits in' inside other words
    "He refits inner tubes.",
    "None of used cases apply.",                 # 'one of us' only as parts of words
    "A good vibration test.",                    # 'good vibe' needs the whole word
    "She described how she resolved the complaint and followed up the next day.",
    "Ik heb op de knop geklikt.",                # klik* needs a word that begins with 'klik'
    "Hij paste er niet bij.",                   # 'past erbij' needs the words in order
    "",
])
def test_behaviour_and_lookalikes_are_not_found(text):
    assert LIST.found(text) == []
    assert not LIST.uses(text)


def test_count_counts_texts_not_phrases():
    assert LIST.count(["fits in, one of us", "resolved the ticket", "good vibe"]) == 2
    assert LIST.count([]) == 0


def test_an_empty_list_finds_nothing_and_duplicates_fold_together():
    assert not Matcher.of([]).uses("fits in") and Matcher.of([]).found("fits in") == []
    both = Matcher.of(["Fits in", "fits  IN", " ", "*"])
    assert both.phrases == (("Fits in", "fits in"),)


def test_for_browser_gives_each_phrase_and_its_words():
    assert Matcher.of(["Good vibe", "klik*"]).for_browser() == [["Good vibe", ["good", "vibe"]], ["klik*", ["klik*"]]]
