"""Structure checks of accessible PDFs (PDF/UA-1, BITV 2.0), with pikepdf: used by the tests only, never by a run.

They complement the PyPI checker ``pdfua`` (16 of the 106 machine-checkable PDF/UA-1 rules) with what the reports
need beyond it: headings in order without skipped levels, tables with header cells, bookmarks from the headings,
German as the document language, links described. Each check takes an open ``pikepdf.Pdf`` and returns its problems
as short sentences (empty: passed).
"""

from __future__ import annotations

import re

import pikepdf

_HEADING = re.compile(r"^/H([1-6])$")
_PAINTING = {"Tj", "TJ", "'", '"', "Do", "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "sh", "BI"}
"""Content-stream operators that put something on the page (text, images, XObjects, filled or stroked paths)."""


def _kids(node) -> list:
    """The ``/K`` children of a structure node as a list (a single kid is a list of one)."""
    kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def struct_elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element of the document, depth first in document (reading) order."""
    root = pdf.Root.get("/StructTreeRoot")
    found: list[pikepdf.Dictionary] = []
    stack = list(reversed(_kids(root))) if root is not None else []
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or node.get("/Type") in (pikepdf.Name.MCR, pikepdf.Name.OBJR):
            continue
        found.append(node)
        stack.extend(reversed(_kids(node)))
    return found


def _marks_content(node) -> bool:
    """Whether a structure element reaches page content (a marked-content id) somewhere beneath it."""
    for kid in _kids(node):
        if isinstance(kid, int) or (isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.MCR):
            return True
        if isinstance(kid, pikepdf.Dictionary) and _marks_content(kid):
            return True
    return False


def check_structure_tree(pdf: pikepdf.Pdf) -> list[str]:
    """A structure tree with elements, and ``/MarkInfo /Marked true`` (a tagged PDF, PDF/UA-1 7.1)."""
    problems = []
    if not struct_elements(pdf):
        problems.append("no structure tree (StructTreeRoot without elements)")
    if not bool(pdf.Root.get("/MarkInfo", {}).get("/Marked", False)):
        problems.append("MarkInfo/Marked is not true")
    return problems


def check_language(pdf: pikepdf.Pdf) -> list[str]:
    """The document language is German (catalog ``/Lang``, PDF/UA-1 7.2)."""
    language = str(pdf.Root.get("/Lang", ""))
    return [] if language.lower().split("-")[0] == "de" else [f"document language is {language!r}, not 'de'"]


def check_title(pdf: pikepdf.Pdf) -> list[str]:
    """A title in the document information and the XMP metadata (dc:title), shown in the viewer's window
    (``/ViewerPreferences /DisplayDocTitle true``, PDF/UA-1 7.1)."""
    problems = []
    if not str(pdf.docinfo.get("/Title", "")).strip():
        problems.append("no /Title in the document information")
    if not str(pdf.open_metadata().get("dc:title", "")).strip():
        problems.append("no dc:title in the XMP metadata")
    if not bool(pdf.Root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
        problems.append("ViewerPreferences/DisplayDocTitle is not true")
    return problems


def check_figures(pdf: pikepdf.Pdf) -> list[str]:
    """Every /Figure has a non-empty alternative text (/Alt or /ActualText, PDF/UA-1 7.3)."""
    missing = [element for element in struct_elements(pdf) if element.get("/S") == pikepdf.Name.Figure
               and not str(element.get("/Alt", element.get("/ActualText", ""))).strip()]
    return [f"{len(missing)} figure(s) without alternative text"] if missing else []


def check_tables(pdf: pikepdf.Pdf) -> list[str]:
    """Every /Table has header cells (/TH, PDF/UA-1 7.5), each with a scope or the cells naming their headers."""
    problems = []
    for number, table in enumerate((e for e in struct_elements(pdf) if e.get("/S") == pikepdf.Name.Table), 1):
        stack, headers = list(_kids(table)), []
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary) and node.get("/Type") not in (pikepdf.Name.MCR,
                                                                                   pikepdf.Name.OBJR):
                if node.get("/S") == pikepdf.Name.TH:
                    headers.append(node)
                elif node.get("/S") != pikepdf.Name.Table:
                    stack.extend(_kids(node))
        if not headers:
            problems.append(f"table {number} has no header cell (TH)")
        elif not all(_attribute(th, "/Scope") or _attribute(th, "/Headers") or "/ID" in th for th in headers):
            problems.append(f"table {number} has header cells without a scope")
    return problems


def _attribute(element: pikepdf.Dictionary, name: str):
    """A structure attribute (``/A``: one dictionary or an array of them) of an element, or None."""
    attributes = element.get("/A")
    if attributes is None:
        return None
    for dictionary in (attributes if isinstance(attributes, pikepdf.Array) else [attributes]):
        if isinstance(dictionary, pikepdf.Dictionary) and name in dictionary:
            return dictionary[name]
    return None


def heading_levels(pdf: pikepdf.Pdf) -> list[int]:
    """The levels of the heading elements /H1 … /H6 in reading order."""
    return [int(match.group(1)) for element in struct_elements(pdf)
            if (match := _HEADING.match(str(element.get("/S", ""))))]


def check_headings(pdf: pikepdf.Pdf) -> list[str]:
    """Headings start at H1 and never skip a level going down (H2 → H4), each with text (PDF/UA-1 7.4.2)."""
    problems = []
    levels = heading_levels(pdf)
    if not levels:
        return ["no headings"]
    if levels[0] != 1:
        problems.append(f"the first heading is H{levels[0]}, not H1")
    problems += [f"heading level skipped: H{a} followed by H{b}" for a, b in zip(levels, levels[1:]) if b > a + 1]
    empty = [e for e in struct_elements(pdf) if _HEADING.match(str(e.get("/S", ""))) and not _marks_content(e)]
    if empty:
        problems.append(f"{len(empty)} empty heading(s)")
    return problems


def bookmarks(pdf: pikepdf.Pdf) -> list[tuple[int, str]]:
    """The document outline (bookmarks) as (depth, title) pairs in order, depth 0 at the top."""
    found: list[tuple[int, str]] = []
    with pdf.open_outline() as outline:
        stack = [(0, item) for item in reversed(outline.root)]
        while stack:
            depth, item = stack.pop()
            found.append((depth, str(item.title)))
            stack.extend((depth + 1, child) for child in reversed(item.children))
    return found


def check_bookmarks(pdf: pikepdf.Pdf) -> list[str]:
    """Bookmarks exist, one per heading element, with a title each (navigation, PDF/UA-1 7.4 and WCAG 2.4.5)."""
    found = bookmarks(pdf)
    headings = len(heading_levels(pdf))
    if not found:
        return ["no bookmarks"]
    problems = [] if len(found) == headings else [f"{len(found)} bookmarks for {headings} headings"]
    return problems + [f"bookmark {n} without a title" for n, (_, title) in enumerate(found, 1) if not title.strip()]


def unmarked_operators(page: pikepdf.Page) -> int:
    """How many painting operators of a page lie outside every marked-content sequence (neither tagged content
    nor an artifact)."""
    depth = outside = 0
    for instruction in pikepdf.parse_content_stream(page):
        operator = str(instruction.operator)
        if operator in ("BDC", "BMC"):
            depth += 1
        elif operator == "EMC":
            depth -= 1
        elif depth <= 0 and operator in _PAINTING:
            outside += 1
    return outside


def check_artifacts(pdf: pikepdf.Pdf) -> list[str]:
    """All page content is tagged or an artifact: page numbers, footer and background included (PDF/UA-1 7.1)."""
    return [f"page {number}: {count} painting operator(s) outside tagged content and artifacts"
            for number, page in enumerate(pdf.pages, 1) if (count := unmarked_operators(page))]


def check_links(pdf: pikepdf.Pdf) -> list[str]:
    """Every link annotation has a description (/Contents, PDF/UA-1 7.18.5) and a structure parent (7.18.1)."""
    problems = []
    for number, page in enumerate(pdf.pages, 1):
        for annotation in page.obj.get("/Annots", pikepdf.Array()):
            if annotation.get("/Subtype") != pikepdf.Name.Link:
                continue
            if not str(annotation.get("/Contents", "")).strip():
                problems.append(f"page {number}: a link without description (/Contents)")
            if "/StructParent" not in annotation:
                problems.append(f"page {number}: a link outside the structure tree")
    return problems


CHECKS = {
    "structure_tree": check_structure_tree,
    "language": check_language,
    "title": check_title,
    "figures": check_figures,
    "tables": check_tables,
    "headings": check_headings,
    "bookmarks": check_bookmarks,
    "artifacts": check_artifacts,
    "links": check_links,
}


def structure_problems(path) -> dict[str, list[str]]:
    """Every check's problems for the PDF at ``path`` (check name → problems; all empty: passed)."""
    with pikepdf.open(path) as pdf:
        return {name: check(pdf) for name, check in CHECKS.items()}
