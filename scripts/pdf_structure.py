"""Show what a screen reader gets from a report PDF: its structure tree (first levels) and its bookmarks.

    .venv/bin/python scripts/pdf_structure.py BERICHT.pdf [--tiefe 3]

Prints the catalogue's accessibility entries (/Lang, /MarkInfo, DisplayDocTitle, title, PDF/UA identification),
then the structure tree down to ``--tiefe`` levels below the root (each element with its role and, for figures, its
alternative text; /NonStruct wrappers left out, their children shown in their place; runs of the same role
whose children are not shown counted instead of repeated), then the bookmarks. Reads only.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pikepdf


def _kids(node) -> list:
    """The ``/K`` children of a structure node as a list."""
    kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _label(node) -> str:
    """One line for a structure element: its role and a figure's alternative text (an annotation: OBJR)."""
    if node.get("/Type") == pikepdf.Name.OBJR:
        return "OBJR (Verweis-Anmerkung)"
    role = str(node.get("/S", "?")).lstrip("/")
    alt = node.get("/Alt")
    return f"{role}  Alt: „{str(alt)[:90]}…“" if alt is not None else role


def _shown_kids(node) -> list:
    """The children a reader meets: a /NonStruct element (Chromium's for each HTML wrapper ``<div>``, without meaning
    of its own) is replaced by its children; marked-content ids (the page content itself) are left out."""
    shown = []
    for kid in _kids(node):
        if not isinstance(kid, pikepdf.Dictionary) or kid.get("/Type") == pikepdf.Name.MCR:
            continue  # page content (a marked-content id): the text itself, not a structure element
        if kid.get("/S") == pikepdf.Name.NonStruct:
            shown += _shown_kids(kid)
        else:
            shown.append(kid)
    return shown


def tree_lines(node, depth: int, levels: int) -> list[str]:
    """The structure tree below ``node`` as indented lines, ``levels`` deep (wrappers left out, see
    :func:`_shown_kids`); equal neighbours are counted where their children are not shown."""
    if depth > levels:
        return []
    lines: list[str] = []
    kids = _shown_kids(node)
    index = 0
    while index < len(kids):
        label = _label(kids[index])
        same = 1
        while (index + same < len(kids) and _label(kids[index + same]) == label
               and (depth == levels or not (_shown_kids(kids[index + same]) or _shown_kids(kids[index])))):
            same += 1
        lines.append("  " * depth + label + (f"  (×{same})" if same > 1 else ""))
        lines += tree_lines(kids[index], depth + 1, levels)
        index += same
    return lines


def bookmark_lines(pdf: pikepdf.Pdf) -> list[str]:
    """The outline (bookmarks), indented by level."""
    lines: list[str] = []
    with pdf.open_outline() as outline:
        stack = [(0, item) for item in reversed(outline.root)]
        while stack:
            depth, item = stack.pop()
            lines.append("  " * depth + str(item.title))
            stack.extend((depth + 1, child) for child in reversed(item.children))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description="Strukturbaum und Lesezeichen eines PDF-Berichts zeigen.")
    parser.add_argument("pdf", type=Path, help="PDF-Datei")
    parser.add_argument("--tiefe", type=int, default=3, help="so viele Ebenen des Strukturbaums (Standard: 3)")
    args = parser.parse_args()
    try:
        opened = pikepdf.open(args.pdf)
    except FileNotFoundError:
        parser.exit(2, f"Fehler: {args.pdf} gibt es nicht.\n")
    except pikepdf.PdfError as error:
        parser.exit(2, f"Fehler: {args.pdf} ist keine lesbare PDF-Datei ({error}).\n")
    with opened as pdf:
        root = pdf.Root
        metadata = pdf.open_metadata()
        print(f"Datei: {args.pdf.name}, {len(pdf.pages)} Seiten")
        print(f"/Lang: {root.get('/Lang')}  /MarkInfo /Marked: {root.get('/MarkInfo', {}).get('/Marked')}  "
              f"DisplayDocTitle: {root.get('/ViewerPreferences', {}).get('/DisplayDocTitle')}")
        print(f"Titel: {pdf.docinfo.get('/Title')}  (XMP dc:title: {metadata.get('dc:title')}, "
              f"pdfuaid:part: {metadata.get('pdfuaid:part')})")
        print("\nStrukturbaum:")
        structure = root.get("/StructTreeRoot")
        print("\n".join(tree_lines(structure, 0, args.tiefe - 1)) if structure is not None else "  (keiner)")
        print("\nLesezeichen:")
        print("\n".join(bookmark_lines(pdf)) or "  (keine)")


if __name__ == "__main__":
    main()
