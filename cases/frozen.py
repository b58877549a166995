"""Published means frozen: a published case's content changes only through a new revision.

A new revision is a draft copy that is reviewed and then published in the case's place
(`published_revisions.py`), so what readers saw, and cited, stays on record. No one edits the
published case itself, superusers included: the edit services, the API and the admin all ask
here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from .models import Case

FROZEN_STATES = frozenset({Case.Status.PUBLISHED})


class PublishedCaseFrozen(PermissionDenied):
    """An edit of a published case's content, refused: it takes a new revision.

    A PermissionDenied (403 in the API, with the message), as for an author of a case locked
    in review: nobody has the right to change it in place, whatever their role."""


def is_frozen(case: Case) -> bool:
    return case.status in FROZEN_STATES


def frozen_message(case: Case) -> str:
    return (
        "This case is published: its content changes only through a new revision. Start one "
        f"(POST /api/v1/cases/{case.pk}/revise/, or “Start a new revision” on its editorial "
        "page), edit it, and publish it after review; readers keep this version until then."
    )


def refuse_if_frozen(case: Case) -> None:
    """Raise PublishedCaseFrozen (403 in the API) when `case` is published."""
    if is_frozen(case):
        raise PublishedCaseFrozen(frozen_message(case))
