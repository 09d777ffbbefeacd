"""The German grammar the reports' sentences need for another city's words (``raumbezug.yml``): an adjective and a
pronoun agree with the gender of the level's or the areas' noun, so "den ganzen Stadtteil" becomes "die ganze
Bezirksregion" and "das ganze Gebiet", not "den ganzen Bezirksregion"."""

from __future__ import annotations

import pytest

from veedel_lib.params.reference import Noun
from veedel_lib.render.text import pronoun, with_adjective

STADTTEIL = Noun("Stadtteil", "Stadtteile", "m", "Stadtteils", "Stadtteilen")
BEZIRKSREGION = Noun("Bezirksregion", "Bezirksregionen", "f", "Bezirksregion", "Bezirksregionen")
GEBIET = Noun("Fördergebiet", "Fördergebiete", "n", "Fördergebiets", "Fördergebieten")


@pytest.mark.parametrize(("noun", "kind", "case", "adjective", "expected"), [
    (STADTTEIL, "the", "acc", "ganz", "den ganzen Stadtteil"),
    (BEZIRKSREGION, "the", "acc", "ganz", "die ganze Bezirksregion"),
    (GEBIET, "the", "acc", "ganz", "das ganze Fördergebiet"),
    (STADTTEIL, "the", "nom", "durchschnittlich", "der durchschnittliche Stadtteil"),
    (STADTTEIL, "a", "nom", "klein", "ein kleiner Stadtteil"),
    (BEZIRKSREGION, "a", "nom", "klein", "eine kleine Bezirksregion"),
    (GEBIET, "a", "nom", "klein", "ein kleines Fördergebiet"),
    (GEBIET, "a", "dat", "klein", "einem kleinen Fördergebiet"),
    (STADTTEIL, "the", "gen", "ganz", "des ganzen Stadtteils"),
    (BEZIRKSREGION, "every", "nom", "einzeln", "jede einzelne Bezirksregion"),
])
def test_an_adjective_before_a_citys_noun_agrees_with_its_gender_and_case(noun, kind, case, adjective, expected):
    assert with_adjective(noun, adjective, kind, case) == expected


def test_the_pronoun_for_a_citys_noun_follows_its_gender():
    assert [pronoun(n) for n in (STADTTEIL, BEZIRKSREGION, GEBIET)] == ["er", "sie", "es"]
    assert [pronoun(n, "acc") for n in (STADTTEIL, BEZIRKSREGION, GEBIET)] == ["ihn", "sie", "es"]
    assert [pronoun(n, "possessive") for n in (STADTTEIL, BEZIRKSREGION, GEBIET)] == ["sein", "ihr", "sein"]
