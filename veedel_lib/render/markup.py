"""The one place where text becomes HTML: escaping, Markdown without raw HTML, and an allow-list sanitiser.

Everything a report shows as text passes through here: the sentences the library builds (which contain area
names, indicator labels and other texts from ``parameters/``) and the qualitative findings planners write in
``parameters/qualitative/<area>.md``. Markdown is rendered by markdown-it-py with raw HTML switched off, so a
``<script>`` in an area name or a findings file shows as text instead of running, and links are allowed only to
http(s) and mailto addresses. The result is cleaned once more by nh3 (the Ammonia sanitiser) with an allow-list
of tags and attributes: defence in depth, should a renderer ever let something through. Reports also carry a
Content-Security-Policy that forbids every script (:data:`CONTENT_SECURITY_POLICY`). Every text loses its e-mail
addresses, phone numbers and bidi controls here too (:mod:`veedel_lib.safe_output`), whatever its source.
"""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt

from ..safe_output import published_text

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre", "h2", "h3", "h4",
                "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td", "hr", "span", "abbr", "sup", "sub"}
"""Tags a text block may contain after rendering; everything else (script, iframe, svg, form, style ...) goes."""
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "td": set(), "span": {"class"}}
URL_SCHEMES = {"http", "https", "mailto"}

CONTENT_SECURITY_POLICY = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
                           "base-uri 'none'; form-action 'none'")
"""No scripts, no frames, no requests: a report is a document (figures are data: images, CSS is inline)."""

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def escape(text: object) -> str:
    """Text for HTML, with <, >, & and quotes escaped; contacts and bidi controls removed
    (:func:`veedel_lib.safe_output.published_text`)."""
    return html.escape(published_text(str(text)), quote=True)


_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
"""ASCII punctuation, which CommonMark lets a backslash make literal: ``*``, ``_``, ``<``, ``[``, ``{``, ``$`` …"""


def markdown_literal(text: object) -> str:
    """Text to put into a line of Markdown source so that it shows as written: every ASCII punctuation character
    backslash-escaped (``*x*`` stays ``*x*``, ``<script>`` becomes text, ``{{`` no placeholder), line breaks and
    runs of white space as one space (no new heading or paragraph); contacts and bidi controls removed as in
    :func:`escape`."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(published_text(str(text)).split()))


def sanitize(markup: str) -> str:
    """HTML reduced to :data:`ALLOWED_TAGS` and their attributes; links only to http(s) and mailto."""
    return nh3.clean(markup, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer")


def markdown_html(markdown: str) -> str:
    """Safe HTML of a Markdown text: contacts and bidi controls removed, raw HTML shown as text, unsafe links not
    linked, then sanitised."""
    return sanitize(_MARKDOWN.render(published_text(markdown)))
