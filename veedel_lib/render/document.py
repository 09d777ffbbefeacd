"""How a report travels to the publisher as data: the MIME types of its document description and its headings.

The title block's notebook output carries, next to its HTML, the report's document description as JSON under
:data:`DOCUMENT_MIME` (title, window title, table-of-contents flag, language, author, programme, date, report id;
:meth:`veedel_lib.render.blocks.ReportTitle.document`); a heading block's output carries its level, text and anchor
under :data:`HEADING_MIME`. The publisher (:func:`veedel_lib.publish.html.read_document`) reads both; JupyterLab and
plain nbconvert show the HTML beside them. A module of its own so that the publisher knows the types without
loading the rendering machinery (pandas, matplotlib).
"""

DOCUMENT_MIME = "application/vnd.veedel.document+json"
"""MIME type of the report's document description in its title output."""
HEADING_MIME = "application/vnd.veedel.heading+json"
"""MIME type of a heading block's data in its output."""
