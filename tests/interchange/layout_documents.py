"""The invented case reports in `importer_documents/`, parsed once per test run."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from interchange.importer import ParsedCase, parse_case_report

DOCUMENTS = Path(__file__).parent / "importer_documents"


@cache
def parsed(name: str) -> ParsedCase:
    path = DOCUMENTS / name
    return parse_case_report(path.read_text(encoding="utf-8"), source_name=path.name)


def document(name: str) -> dict:
    return parsed(name).document


def every_text(doc: dict) -> str:
    """All the document's text, JSON-encoded, for "is it anywhere / nowhere" checks."""
    return json.dumps(doc, ensure_ascii=False)
