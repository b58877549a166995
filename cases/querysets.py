"""The one visibility rule: every read of cases starts from `Case.objects.visible_to(user)`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


class CaseQuerySet(models.QuerySet):
    # The related models are reached through the relations, not imported: models.py imports
    # this module to build the manager.

    def _own(self, user: User) -> Q:
        authors = self.model._meta.get_field("authors").related_model
        return Q(created_by=user) | Q(
            Exists(authors.objects.filter(case=OuterRef("pk"), user=user))
        )

    def authored_by(self, user: User | AnonymousUser) -> CaseQuerySet:
        """Cases this person created or co-authors, in every state."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(self._own(user))

    def published(self) -> CaseQuerySet:
        return self.filter(status="published")

    def visible_to(self, user: User | AnonymousUser) -> CaseQuerySet:
        """Cases this person may read (PRODUCT.md section 2).

        - anyone: published cases that are public or unlisted;
        - signed-in members of an institution: + published `institution` cases of theirs;
        - authors and co-authors: + their own cases in any state;
        - reviewers: + cases they were asked to review and did not decline;
        - editors: + every case that has been submitted (not others' drafts);
        - moderators: + every published case, whatever its visibility;
        - superusers: everything.
        """
        published = Q(status="published")
        rule = published & Q(visibility__in=["public", "unlisted"])
        if not user.is_authenticated:
            return self.filter(rule)
        if user.is_superuser:
            return self.all()

        if user.institution_id:
            rule |= published & Q(visibility="institution", institution_id=user.institution_id)
        rule |= self._own(user)
        if user.has_role("reviewer"):
            # Through the reverse relation of reviews (which sit above cases): a review asked
            # of this person, assigned or completed. The subquery starts from the case's key.
            reviewed = self.model.objects.filter(
                pk=OuterRef("pk"),
                reviews__reviewer=user,
                reviews__status__in=["assigned", "completed"],
            )
            rule |= Q(Exists(reviewed))
        if user.has_role("editor"):
            rule |= ~Q(status__in=["draft", "withdrawn"])
        if user.has_role("moderator"):
            rule |= published
        return self.filter(rule)

    def listed(self) -> CaseQuerySet:
        """Cases that may appear in lists and search: published, and never unlisted ones."""
        return self.published().exclude(visibility="unlisted")

    def in_lists_for(self, user: User | AnonymousUser) -> CaseQuerySet:
        """Of the cases a person may read, those lists show them: unlisted published cases
        only to their authors (others reach them by their link)."""
        unlisted = Q(status="published", visibility="unlisted")
        if not user.is_authenticated:
            return self.exclude(unlisted)
        return self.exclude(unlisted & ~self._own(user))

    def with_card_data(self) -> CaseQuerySet:
        """What a case card shows (thumbnail, modalities, systems), in a fixed number of queries."""
        study = self.model._meta.get_field("studies").related_model
        figure = study._meta.get_field("figures").related_model
        return self.prefetch_related(
            "systems",
            models.Prefetch("studies", queryset=study.objects.only("id", "case_id", "modality")),
            models.Prefetch(
                "studies__figures",
                queryset=figure.objects.filter(status="ready").exclude(thumbnail=""),
                to_attr="ready_figures",
            ),
        )
