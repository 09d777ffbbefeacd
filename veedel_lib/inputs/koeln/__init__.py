"""Read the City of Cologne's open statistics into the project's long form (units + statistics).

Three formats of the city, each mapped to catalogue variables by ``parameters/koeln_mapping.yml``:

* the portal's long format of offenedaten-koeln.de (``jahr``, ``raum_id``, ``raum``, ``zeile``, ``zahl``;
  city, Stadtbezirke and Stadtteile in one file; UTF-8 with BOM, quoted, ``;`` or ``,``);
* the wide Stadtteil profile ("Kölner Stadtteilinformationen", one row per Stadtteil, one column per
  figure, one reference date);
* the "Statistischer Datenkatalog Köln" (``RAUMEBENE``, ``RAUM`` like "101 / Altstadt/Süd", ``S_JAHR``,
  one column per Merkmal code such as A0025A, decimal comma, ``*`` = suppressed).

A catalogue variable is the sum of one or more source parts (e.g. children under 6 = "00 - < 03" plus
"03 - < 06"); a suppressed part makes the sum suppressed, never zero. Units are the 86 Stadtteile with
the official number as unit id, joined by number only, because names differ between files.

Validation is the project's validator, run twice: first on every source part as it stands in the file
(so a bad cell is reported at its own file, row and column), then on the summed variables of all files
together (duplicates across files, numerators above denominators). Both passes use tagged
:class:`~veedel_lib.inputs.readers.RawTable` objects whose rows are the original spreadsheet rows, as
:mod:`veedel_lib.inputs.wide_import` does; problems are translated back to the original file and column.
"""

from .convert import STATISTICS_FILE, KoelnSummary, convert_koeln
from .mapping import MAPPING_FILE, KoelnMapping, load_mapping
from .sources import Source, portal_frame, profile_reference, read_sources

__all__ = ["MAPPING_FILE", "STATISTICS_FILE", "KoelnMapping", "KoelnSummary", "Source", "convert_koeln",
           "load_mapping", "portal_frame", "profile_reference", "read_sources"]
