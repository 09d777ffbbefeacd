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


def test_the_sozialindex_speaks_of_a_feminine_lowest_level_with_its_articles_adjectives_and_pronouns(demo):
    """Cologne's demo data under another name for their lowest level: "Bezirksregion" (feminine) instead of
    Stadtteil (masculine); the method and its notes decline article, adjective and pronoun by the noun's gender."""
    from dataclasses import replace

    from conftest import PARAMETERS

    from veedel_lib.reports.sozialindex import SozialindexReport

    region = replace(demo.spatial.base, name="Bezirksregion", plural="Bezirksregionen", gender="f",
                     genitive_name="Bezirksregion", dative_plural_name="Bezirksregionen")
    spatial = replace(demo.spatial, levels=(*demo.spatial.levels[:-1], region))
    index = SozialindexReport.open(parameters_dir=PARAMETERS, dataset=replace(demo, reference=spatial, cache={}))
    method = "\n".join(block.markdown for block in index.method() if hasattr(block, "markdown"))
    assert "jede Bezirksregion zählt gleich" in method
    assert "ungünstiger als die durchschnittliche Bezirksregion." in method
    note = index._disclosure_note()
    assert note.startswith("- **Geheimhaltung:** Eine Bezirksregion, bei der eine Zahl, aus der ihr Index berechnet")
    assert "Sie bleibt in der Standardisierung" in note and "wenn eine Bezirksregion betroffen ist" in note
    table = next(block for block in index.status_dynamics() if getattr(block, "name", "") == "sozialindex")
    assert "mit ihren Werten für die ganze Bezirksregion aufgeführt" in table.note
    assert "Stadtteil" not in method + note + table.note
