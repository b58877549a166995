"""Saved searches, with their optional e-mail digest."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse


class SavedSearch(models.Model):
    """A search a person keeps: a name and the browse page's query string."""

    class Digest(models.TextChoices):
        NONE = "none", "No e-mail"
        DAILY = "daily", "Daily e-mail of new cases"
        WEEKLY = "weekly", "Weekly e-mail of new cases"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=100)
    query = models.CharField(
        max_length=2000,
        blank=True,
        help_text="The browse page's query string, e.g. q=osteosarcoma&modality=MR.",
    )
    digest = models.CharField(max_length=10, choices=Digest, default=Digest.NONE)
    last_sent_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the last digest was sent; the next one lists cases published since.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "saved searches"
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="unique_saved_search_name"),
        ]
        indexes = [models.Index(fields=["digest", "last_sent_at"], name="search_digest_due_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def browse_url(self) -> str:
        base = reverse("browse")
        return f"{base}?{self.query}" if self.query else base

    @property
    def digest_since(self):
        """Cases published after this moment are new to the next digest."""
        return self.last_sent_at or self.created_at
