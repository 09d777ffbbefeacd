"""The workbook engine: declared sheets and columns, templates with drop-downs and a help sheet, and reading
them back with every problem at its file, sheet, row and column (used by kernprozess/ and planning/)."""

from .schema import Column, Sheet, number_key

__all__ = ["Column", "Sheet", "number_key"]
