"""Every change to bookmarks and collections, called by the pages and by the API alike.

A case is bookmarked or added to a collection only by someone who may read it. Changes to a
collection's order lock the collection's row first, so two moves at the same moment leave its
items numbered 0, 1, 2, … without gaps or twins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from cases.models import Case

from . import permissions
from .models import (
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Bookmark,
    Collection,
    CollectionItem,
    new_share_token,
)

if TYPE_CHECKING:
    from accounts.models import User

CASE_NOT_READABLE = "There is no case with this id that you may read."
ALREADY_IN_COLLECTION = "This case is already in the collection."
NOT_YOURS = "Only the owner of a collection changes it."
SUSPENDED = (
    "Your account is suspended: you may keep private collections, but not share one or "
    "change a shared one."
)


class AlreadyInCollection(ValidationError):
    """The case is in the collection already: a conflict with its state (409 in the API)."""

    def __init__(self):
        super().__init__({"case": ALREADY_IN_COLLECTION})


# Bookmarks --------------------------------------------------------------------------------------


def bookmark_case(*, user: User, case: Case) -> tuple[Bookmark, bool]:
    """Bookmark a case the person may read. Bookmarking it again changes nothing.

    Returns the bookmark and whether it is new.
    """
    if not permissions.can_keep_bookmarks(user):
        raise PermissionDenied("Sign in to keep bookmarks.")
    _ensure_readable(user, case)
    return Bookmark.objects.get_or_create(user=user, case=case)


def remove_bookmark(*, user: User, case: Case) -> bool:
    """Remove a person's bookmark of a case; False when there was none."""
    if not permissions.can_keep_bookmarks(user):
        raise PermissionDenied("Sign in to keep bookmarks.")
    deleted, _ = Bookmark.objects.filter(user=user, case=case).delete()
    return bool(deleted)


# Collections ------------------------------------------------------------------------------------


def create_collection(
    *,
    owner: User,
    title: str,
    description: str = "",
    visibility: str = Collection.Visibility.PRIVATE,
) -> Collection:
    if not permissions.can_create_collection(owner):
        raise PermissionDenied("Sign in to make collections.")
    title, description = _checked_fields(title, description, visibility)
    if not permissions.can_share(owner, visibility):
        raise PermissionDenied(SUSPENDED)
    return Collection.objects.create(
        owner=owner, title=title, description=description, visibility=visibility
    )


def update_collection(
    *,
    collection: Collection,
    by: User,
    title: str | None = None,
    description: str | None = None,
    visibility: str | None = None,
) -> Collection:
    """Change a collection's title, description or visibility (what is None stays)."""
    _ensure_owner(by, collection)
    with transaction.atomic():
        locked = _lock(collection)
        new_title, new_description = _checked_fields(
            locked.title if title is None else title,
            locked.description if description is None else description,
            locked.visibility if visibility is None else visibility,
        )
        new_visibility = locked.visibility if visibility is None else visibility
        if not permissions.can_share(by, new_visibility):
            raise PermissionDenied(SUSPENDED)
        locked.title, locked.description = new_title, new_description
        locked.visibility = new_visibility
        locked.save(update_fields=["title", "description", "visibility", "updated_at"])
    return locked


def regenerate_share_link(*, collection: Collection, by: User) -> Collection:
    """A new shared link; the old one stops working at once."""
    _ensure_owner(by, collection)
    with transaction.atomic():
        locked = _lock(collection)
        locked.share_token = new_share_token()
        locked.save(update_fields=["share_token", "updated_at"])
    return locked


def delete_collection(*, collection: Collection, by: User) -> None:
    """Delete a collection and its items (the cases themselves are untouched)."""
    _ensure_owner(by, collection)
    Collection.objects.filter(pk=collection.pk).delete()


# Items --------------------------------------------------------------------------------------


def add_to_collection(
    *,
    collection: Collection,
    case: Case,
    by: User,
    note: str = "",
    position: int | None = None,
) -> CollectionItem:
    """Add a case the owner may read, at the end or at `position` (0 is first)."""
    _ensure_may_write(by, collection)
    _ensure_readable(by, case)
    note = _checked_note(note)
    _checked_position(position)
    with transaction.atomic():
        locked = _lock(collection)
        items = list(locked.items.order_by("position", "pk"))
        if any(item.case_id == case.pk for item in items):
            raise AlreadyInCollection
        try:
            with transaction.atomic():
                item = CollectionItem.objects.create(
                    collection=locked, case=case, note=note, position=len(items)
                )
        except IntegrityError:  # added by another request between the check and the insert
            raise AlreadyInCollection from None
        if position is not None:
            _renumber(_placed(items, item, position))
        _touch(locked)
    return item


def update_item(
    *, item: CollectionItem, by: User, note: str | None = None, position: int | None = None
) -> CollectionItem:
    """Change an item's note, or move it to `position` (0 is first; the others renumber)."""
    collection = item.collection
    if note is not None:
        _ensure_may_write(by, collection)
        note = _checked_note(note)
    else:
        _ensure_owner(by, collection)
    _checked_position(position)
    with transaction.atomic():
        locked = _lock(collection)
        items = list(locked.items.order_by("position", "pk"))
        current = next((row for row in items if row.pk == item.pk), None)
        if current is None:
            raise Http404("This item is no longer in the collection.")
        if note is not None and note != current.note:
            current.note = note
            current.save(update_fields=["note"])
        if position is not None:
            others = [row for row in items if row.pk != current.pk]
            _renumber(_placed(others, current, position))
        _touch(locked)
    return current


def move_item(*, item: CollectionItem, by: User, position: int) -> CollectionItem:
    return update_item(item=item, by=by, position=position)


def edit_item_note(*, item: CollectionItem, by: User, note: str) -> CollectionItem:
    return update_item(item=item, by=by, note=note)


def remove_item(*, item: CollectionItem, by: User) -> None:
    """Take a case out of a collection; the items after it move up."""
    _ensure_owner(by, item.collection)
    with transaction.atomic():
        locked = _lock(item.collection)
        locked.items.filter(pk=item.pk).delete()
        _renumber(list(locked.items.order_by("position", "pk")))
        _touch(locked)


def remove_unavailable_items(*, collection: Collection, by: User) -> int:
    """Take out the items whose case the owner may no longer read (retracted, say)."""
    _ensure_owner(by, collection)
    with transaction.atomic():
        locked = _lock(collection)
        removed, _ = locked.items.exclude(case__in=Case.objects.visible_to(by)).delete()
        if removed:
            _renumber(list(locked.items.order_by("position", "pk")))
            _touch(locked)
    return removed


# Helpers ----------------------------------------------------------------------------------------


def _ensure_readable(user: User, case: Case) -> None:
    if not Case.objects.visible_to(user).filter(pk=case.pk).exists():
        raise ValidationError({"case": CASE_NOT_READABLE})


def _ensure_owner(user: User, collection: Collection) -> None:
    if not permissions.can_edit_collection(user, collection):
        raise PermissionDenied(NOT_YOURS)


def _ensure_may_write(user: User, collection: Collection) -> None:
    """The owner, and not suspended when what they write is read by others."""
    _ensure_owner(user, collection)
    if not permissions.can_share(user, collection.visibility):
        raise PermissionDenied(SUSPENDED)


def _lock(collection: Collection) -> Collection:
    try:
        return Collection.objects.select_for_update().get(pk=collection.pk)
    except Collection.DoesNotExist:
        raise Http404("This collection no longer exists.") from None


def _touch(collection: Collection) -> None:
    Collection.objects.filter(pk=collection.pk).update(updated_at=timezone.now())


def _checked_fields(title: str, description: str, visibility: str) -> tuple[str, str]:
    errors = {}
    title = (title or "").strip()
    description = (description or "").strip()
    if not title:
        errors["title"] = "Give the collection a title."
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = f"Keep the title to {TITLE_MAX_LENGTH} characters."
    if len(description) > TEXT_MAX_LENGTH:
        errors["description"] = f"Keep the description to {TEXT_MAX_LENGTH} characters."
    if visibility not in Collection.Visibility.values:
        errors["visibility"] = "Choose private, link or public."
    if errors:
        raise ValidationError(errors)
    return title, description


def _checked_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > TEXT_MAX_LENGTH:
        raise ValidationError({"note": f"Keep the note to {TEXT_MAX_LENGTH} characters."})
    return note


def _checked_position(position: int | None) -> None:
    if position is not None and (not isinstance(position, int) or position < 0):
        raise ValidationError({"position": "Give a place from 0 (the first)."})


def _placed(
    others: list[CollectionItem], item: CollectionItem, position: int
) -> list[CollectionItem]:
    """The items in their new order, with `item` at `position` (past the end: last)."""
    ordered = list(others)
    ordered.insert(min(position, len(ordered)), item)
    return ordered


def _renumber(ordered: list[CollectionItem]) -> None:
    changed = []
    for position, item in enumerate(ordered):
        if item.position != position:
            item.position = position
            changed.append(item)
    if changed:
        CollectionItem.objects.bulk_update(changed, ["position"])
