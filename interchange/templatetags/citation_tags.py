"""The "Cite this case" box of the case page."""

from __future__ import annotations

from django import template

from cases.models import Case
from interchange.citations import DOWNLOAD_FORMATS, apa, vancouver

register = template.Library()

DOWNLOAD_LABELS = {"bibtex": "BibTeX", "ris": "RIS", "csl-json": "CSL-JSON"}


@register.simple_tag
def case_citations(case: Case) -> dict:
    """Both text styles and the download formats; reads only the case's prefetched authors."""
    return {
        "vancouver": vancouver(case),
        "apa": apa(case),
        "downloads": [(name, DOWNLOAD_LABELS[name]) for name in DOWNLOAD_FORMATS],
    }
