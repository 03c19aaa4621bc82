"""CSV cells that a spreadsheet will not run as a formula.

A participant's display name such as `=HYPERLINK("http://ev.il","x")` becomes a live
formula when the facilitator opens the export in Excel, LibreOffice or Google Sheets.
OWASP's advice: prefix a cell that starts with = + - @ (or tab / carriage return)
with a single quote, so it shows as typed and never runs.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """`value` as a CSV cell; text that a spreadsheet would read as a formula gets a
    leading ' . Numbers pass unchanged (a negative number is data, not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def row(values: list) -> list:
    return [cell(v) for v in values]
