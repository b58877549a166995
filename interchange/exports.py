"""A case as a file to download, in each format the site offers: used by the API, the case
page's download links and the `export_case` command alike."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser

from cases.document import DOCUMENT_PREFETCH
from cases.models import Case

from .bundle import build_bundle, bundle_filename, reader_document
from .mirc import build_mirc_zip

if TYPE_CHECKING:
    from accounts.models import User

FORMATS = ("bundle", "json", "mirc")


class UnknownFormat(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"“{name}” is not an export format: use one of {', '.join(FORMATS)}.")


@dataclass(frozen=True)
class Export:
    content: bytes
    content_type: str
    filename: str


def export_case(case: Case, *, user: User | AnonymousUser | None, format: str) -> Export:
    """The case as `user` may read it, in `format`. The caller checked that they may see it."""
    if format == "bundle":
        return Export(build_bundle(case, user=user), "application/zip", bundle_filename(case))
    if format == "json":
        full = Case.objects.prefetch_related(*DOCUMENT_PREFETCH).get(pk=case.pk)
        text = json.dumps(reader_document(full, user), indent=2, ensure_ascii=False)
        return Export(text.encode(), "application/json", bundle_filename(case, "json"))
    if format == "mirc":
        filename = bundle_filename(case).removesuffix(".zip") + "-mirc.zip"
        reader = user if user is not None else AnonymousUser()
        return Export(build_mirc_zip(case, user=reader), "application/zip", filename)
    raise UnknownFormat(format)
