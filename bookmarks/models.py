"""What readers keep: bookmarks, and collections (ordered lists of cases, like playlists)."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse

from cases.models import Case

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from cases.querysets import CaseQuerySet

TITLE_MAX_LENGTH = 200
# Descriptions and notes: a paragraph or two of Markdown, not a case report.
TEXT_MAX_LENGTH = 5000


class BookmarkQuerySet(models.QuerySet):
    def of(self, user: User) -> BookmarkQuerySet:
        """A person's bookmarks of the cases they may still read, newest first.

        Their own list, of cases they chose: unlisted cases they were given the link of stay
        in it (nobody else sees it), while a retracted case or one of an institution they
        left drops out.
        """
        return self.filter(user=user, case__in=Case.objects.visible_to(user))


class Bookmark(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BookmarkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "case"], name="one_bookmark_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: case {self.case_id}"


def new_share_token() -> str:
    return secrets.token_urlsafe(16)


class CollectionQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> CollectionQuerySet:
        """Collections a person may open at their own address: their own, and public ones.

        A collection shared by link is reached only through its link (`shared`).
        """
        public = Q(visibility=Collection.Visibility.PUBLIC)
        if not user.is_authenticated:
            return self.filter(public)
        return self.filter(public | Q(owner=user))

    def owned_by(self, user: User | AnonymousUser) -> CollectionQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def shared(self, token: str) -> CollectionQuerySet:
        """The collection of a shared link, if it is shared (by link, or public)."""
        return self.filter(
            share_token=token,
            visibility__in=[Collection.Visibility.LINK, Collection.Visibility.PUBLIC],
        )

    def with_case_counts(self, viewer: User | AnonymousUser) -> CollectionQuerySet:
        """Annotate `case_count`: the items each collection shows this viewer (one query).

        Their own collections count what they may read; others' also leave unlisted cases out,
        as their pages do (see `Collection.cases_shown_to`).
        """
        readable = Case.objects.visible_to(viewer)
        listed = readable.in_lists_for(viewer)
        if not viewer.is_authenticated:
            return self.annotate(case_count=Count("items", filter=Q(items__case__in=listed)))
        return self.annotate(
            case_count=Count(
                "items",
                filter=(Q(owner=viewer) & Q(items__case__in=readable))
                | (~Q(owner=viewer) & Q(items__case__in=listed)),
            )
        )


class Collection(models.Model):
    class Visibility(models.TextChoices):
        PRIVATE = "private", "Private: only you"
        LINK = "link", "Shared: anyone with the link"
        PUBLIC = "public", "Public: listed for everyone"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collections"
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    description = models.TextField(blank=True)
    visibility = models.CharField(max_length=10, choices=Visibility, default=Visibility.PRIVATE)
    # The secret part of a shared link; a new one revokes the old link.
    share_token = models.CharField(max_length=32, unique=True, default=new_share_token)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CollectionQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("collection-detail", args=[self.pk])

    def get_shared_url(self) -> str:
        return reverse("collection-shared", args=[self.share_token])

    def is_owned_by(self, user: User | AnonymousUser) -> bool:
        return user.is_authenticated and self.owner_id == user.pk

    @property
    def is_shared(self) -> bool:
        """Whether its shared link works (a link or a public collection)."""
        return self.visibility != self.Visibility.PRIVATE

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    def cases_shown_to(self, viewer: User | AnonymousUser) -> CaseQuerySet:
        """The cases of this collection a viewer is shown: those they may read.

        Others than the owner are not shown unlisted cases either: a shared or public
        collection is a list, and unlisted cases are never listed (their own link stays the
        only way to them).
        """
        cases = Case.objects.visible_to(viewer)
        if not self.is_owned_by(viewer):
            cases = cases.in_lists_for(viewer)
        return cases

    def items_shown_to(self, viewer: User | AnonymousUser) -> models.QuerySet[CollectionItem]:
        """The items a viewer is shown, in order; the others are silently left out."""
        return self.items.filter(case__in=self.cases_shown_to(viewer))

    def item_counts_for(self, viewer: User | AnonymousUser) -> tuple[int, int]:
        """(items shown to the viewer, items hidden from them), in one query."""
        counts = self.items.aggregate(
            total=Count("pk"), shown=Count("pk", filter=Q(case__in=self.cases_shown_to(viewer)))
        )
        return counts["shown"], counts["total"] - counts["shown"]


class CollectionItem(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="collection_items"
    )
    position = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True, help_text="Why this case is here, for the reader.")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "case"], name="case_once_per_collection"),
        ]

    def __str__(self) -> str:
        return f"{self.collection}: case {self.case_id}"
