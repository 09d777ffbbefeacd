"""How a report travels to the publisher as data: the MIME types of its document description and its headings.

The title block's notebook output carries, next to its HTML, the report's document description as JSON under
:data:`DOCUMENT_MIME` (title, window title, table-of-contents flag, language, author, programme, date, report id,
and the city's words for its levels and areas under :data:`TERMS_KEY`;
:meth:`veedel_lib.render.blocks.ReportTitle.document`); a heading block's output carries its level, text and anchor
under :data:`HEADING_MIME`. The publisher (:func:`veedel_lib.publish.html.read_document`) reads both; JupyterLab and
plain nbconvert show the HTML beside them. A module of its own so that the publisher knows the types without loading
the rendering machinery (pandas, matplotlib).

The notebooks' Markdown names the city's levels and areas through placeholders in Jupyter's ``{{ ... }}`` form,
named with Cologne's words so that a Cologne planner reads the notebook as it will print: ``{{ Stadtteile }}``,
``{{ Sozialraumgebiete }}`` (see :data:`PLACEHOLDERS`). :func:`document_terms` gives their values for a city from its
``raumbezug.yml``; the publisher fills them in (:func:`veedel_lib.publish.html.fill_terms`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the publisher imports this module; the reference is only read, never imported at run time
    from ..params.reference import SpatialReference

DOCUMENT_MIME = "application/vnd.veedel.document+json"
"""MIME type of the report's document description in its title output."""
HEADING_MIME = "application/vnd.veedel.heading+json"
"""MIME type of a heading block's data in its output."""
TERMS_KEY = "terms"
"""Key of the document description that holds the city's words by placeholder name
("Stadtteile" -> "Planungsräume")."""

PLACEHOLDERS = {
    "top": ("Stadtbezirk", "Stadtbezirke", "Stadtbezirks", "Stadtbezirken"),
    "base": ("Stadtteil", "Stadtteile", "Stadtteils", "Stadtteilen"),
    "area": ("Sozialraumgebiet", "Sozialraumgebiete", "Sozialraumgebiets", "Sozialraumgebieten"),
}
"""The placeholder names of the notebooks' Markdown, by role: the city's highest level (Cologne's Stadtbezirk), its
lowest (Cologne's Stadtteil: the units of the Sozialindex, the positions and the comparisons) and the programme's
word for its areas; each as (singular, plural, genitive singular, dative plural), in Cologne's words."""


def document_terms(reference: SpatialReference) -> dict[str, str]:
    """The city's words for the placeholders of :data:`PLACEHOLDERS`, from its spatial reference and profile:
    for Cologne every name maps to itself; for a city with Bezirk > Ortsteil > Planungsraum and "Fördergebiet",
    "Stadtteile" -> "Planungsräume", "Sozialraumgebieten" -> "Fördergebieten"."""
    nouns = {"top": reference.top, "base": reference.base}
    if reference.profile is not None:
        nouns["area"] = reference.profile.area
    terms: dict[str, str] = {}
    for role, noun in nouns.items():
        names = PLACEHOLDERS[role]
        terms.update(zip(names, (noun.name, noun.plural, noun.genitive_name, noun.dative_plural_name)))
    return terms
