"""The case-report importer: plain-text or Markdown case reports → canonical case documents.

Pure Python (no database): `parse_case_report(text)` returns a `ParsedCase` whose `document` has
every key of `cases.document.empty_document()` and whose `warnings` say what could not be placed.
"""

from .parser import EmptyReportError, ParsedCase, parse_case_report

__all__ = ["EmptyReportError", "ParsedCase", "parse_case_report"]
