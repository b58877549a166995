"""Writes of the search app: saved searches and their e-mail digests."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from cases.filters import CaseFilter
from cases.models import Case

from . import permissions
from .models import SavedSearch
from .querystrings import normalise_query

if TYPE_CHECKING:
    from accounts.models import User

MAX_SAVED_SEARCHES = 50
DIGEST_MAX_CASES = 20
DIGEST_PERIODS = {
    SavedSearch.Digest.DAILY: datetime.timedelta(days=1),
    SavedSearch.Digest.WEEKLY: datetime.timedelta(days=7),
}
# The periodic task runs every hour: a digest an hour early beats one that drifts later daily.
DIGEST_EARLINESS = datetime.timedelta(hours=1)
SUBJECT_PREFIX = "[Teaching File] "


# --- Saved searches ----------------------------------------------------------------------------


class SavedSearchConflict(ValidationError):
    """Refused for what the person already has (a name in use, the most searches kept), not
    for what they sent: a conflict (409) in the API."""


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Give the search a name."})
    max_length = SavedSearch._meta.get_field("name").max_length
    if len(name) > max_length:
        raise ValidationError({"name": f"Use at most {max_length} characters."})
    return name


def _check_name_is_free(user: User, name: str, *, exclude: int | None = None) -> None:
    taken = SavedSearch.objects.filter(user=user, name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise SavedSearchConflict({"name": "You already have a saved search with this name."})


def _clean_digest(digest: str) -> str:
    if digest not in SavedSearch.Digest.values:
        raise ValidationError({"digest": "Choose no e-mail, daily or weekly."})
    return digest


def save_search(
    *, by: User, name: str, query: str = "", digest: str = SavedSearch.Digest.NONE
) -> SavedSearch:
    """Keep a search (the browse page's query string) under a name, with an optional digest."""
    if not permissions.can_save_searches(by):
        raise PermissionDenied("Sign in to save searches.")
    name = _clean_name(name)
    query = normalise_query(query)
    digest = _clean_digest(digest)
    with transaction.atomic():
        # The user's row lock orders two saves of the same person, so the limit holds.
        get_user_model().objects.select_for_update().filter(pk=by.pk).first()
        if SavedSearch.objects.filter(user=by).count() >= MAX_SAVED_SEARCHES:
            raise SavedSearchConflict(
                f"You can keep up to {MAX_SAVED_SEARCHES} saved searches: delete one first."
            )
        _check_name_is_free(by, name)
        return SavedSearch.objects.create(user=by, name=name, query=query, digest=digest)


def update_saved_search(
    saved_search: SavedSearch,
    *,
    by: User,
    name: str | None = None,
    query: str | None = None,
    digest: str | None = None,
) -> SavedSearch:
    """Rename a saved search, change its filters or its digest (only its owner)."""
    if not permissions.can_manage_saved_search(by, saved_search):
        raise PermissionDenied("Only the person who saved a search can change it.")
    changes: dict[str, str] = {}
    if name is not None:
        changes["name"] = _clean_name(name)
    if query is not None:
        changes["query"] = normalise_query(query)
    if digest is not None:
        changes["digest"] = _clean_digest(digest)
    with transaction.atomic():
        saved_search = SavedSearch.objects.select_for_update().get(pk=saved_search.pk)
        if "name" in changes:
            _check_name_is_free(by, changes["name"], exclude=saved_search.pk)
        starts_digest = (
            changes.get("digest", saved_search.digest) != SavedSearch.Digest.NONE
            and saved_search.digest == SavedSearch.Digest.NONE
        )
        for field, value in changes.items():
            setattr(saved_search, field, value)
        fields = [*changes, "updated_at"]
        if starts_digest:
            # A digest switched on lists what is published from now on, not everything since
            # the search was first saved.
            saved_search.last_sent_at = timezone.now()
            fields.append("last_sent_at")
        saved_search.save(update_fields=fields)
    return saved_search


def delete_saved_search(saved_search: SavedSearch, *, by: User) -> None:
    if not permissions.can_manage_saved_search(by, saved_search):
        raise PermissionDenied("Only the person who saved a search can delete it.")
    SavedSearch.objects.filter(pk=saved_search.pk).delete()


# --- Digests -----------------------------------------------------------------------------------


def due_for_digest(now: datetime.datetime | None = None) -> QuerySet[SavedSearch]:
    """Saved searches whose daily or weekly digest is due."""
    now = now or timezone.now()
    due = Q()
    for digest, period in DIGEST_PERIODS.items():
        before = now - period + DIGEST_EARLINESS
        due |= Q(digest=digest) & (
            Q(last_sent_at__lte=before) | Q(last_sent_at__isnull=True, created_at__lte=before)
        )
    return SavedSearch.objects.filter(due, user__is_active=True)


def _is_due(saved_search: SavedSearch, now: datetime.datetime) -> bool:
    period = DIGEST_PERIODS.get(saved_search.digest)
    return period is not None and saved_search.digest_since <= now - period + DIGEST_EARLINESS


def new_cases_for(saved_search: SavedSearch, *, since: datetime.datetime) -> QuerySet[Case]:
    """Published cases matching the saved search, published after `since`, as its owner sees
    them (the same search as the browse page), newest first."""
    user = saved_search.user
    listed = Case.objects.visible_to(user).listed().filter(published_at__gt=since)
    matching = CaseFilter(QueryDict(saved_search.query), queryset=listed, request=None).qs
    return matching.order_by("-published_at", "-pk")


def digest_text(saved_search: SavedSearch, cases: list[Case], total: int) -> str:
    site = settings.SITE_URL
    since = timezone.localtime(saved_search.digest_since).strftime("%-d %b %Y")
    lines = [
        f"{total} new case{'s' if total != 1 else ''} for your saved search "
        f"“{saved_search.name}”, published since {since}:",
        "",
    ]
    for case in cases:
        lines += [f"- {case.title}", f"  {site}{case.get_absolute_url()}"]
    if total > len(cases):
        lines += ["", f"…and {total - len(cases)} more."]
    lines += [
        "",
        f"See every result: {site}{saved_search.browse_url}",
        f"Change or stop these e-mails: {site}{reverse('saved-search-list')}",
    ]
    return "\n".join(lines)


def send_saved_search_digest(saved_search_id: int, *, now: datetime.datetime | None = None) -> int:
    """E-mail the owner the new cases of one saved search, if its digest is due.

    Idempotent: under the row lock, a digest that is not due (already sent) does nothing. The
    moment is recorded even when nothing new was published, so the next digest starts there.
    Returns how many cases the e-mail listed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        saved_search = (
            SavedSearch.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=saved_search_id)
            .first()
        )
        if saved_search is None or not _is_due(saved_search, now):
            return 0
        user = saved_search.user
        new_cases = new_cases_for(saved_search, since=saved_search.digest_since).filter(
            published_at__lte=now
        )
        total = new_cases.count()
        listed = list(new_cases[:DIGEST_MAX_CASES]) if total else []
        sent = 0
        if listed and user.is_active and user.email:
            sent = len(listed)
            send_mail(
                f"{SUBJECT_PREFIX}{total} new case{'s' if total != 1 else ''}: {saved_search.name}",
                digest_text(saved_search, listed, total),
                None,
                [user.email],
            )
        saved_search.last_sent_at = now
        saved_search.save(update_fields=["last_sent_at"])
    return sent
