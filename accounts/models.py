from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from .validators import validate_orcid


class Role(models.TextChoices):
    """The role groups of the platform. One person may hold several."""

    TRAINEE = "trainee", "Trainee"
    AUTHOR = "author", "Author"
    REVIEWER = "reviewer", "Reviewer"
    EDITOR = "editor", "Editor"
    MODERATOR = "moderator", "Moderator"
    ADMIN = "admin", "Admin"


class Institution(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    country = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    class TrainingLevel(models.TextChoices):
        STUDENT = "student", "Student"
        RESIDENT = "resident", "Resident"
        FELLOW = "fellow", "Fellow"
        CONSULTANT = "consultant", "Consultant"

    display_name = models.CharField(max_length=150, blank=True)
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    orcid = models.CharField(
        "ORCID iD",
        max_length=19,
        blank=True,
        validators=[validate_orcid],
        help_text="Like 0000-0002-1825-0097",
    )
    training_level = models.CharField(max_length=20, choices=TrainingLevel, blank=True)
    # A suspended user can still sign in and read, but not write (set by moderators).
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def name(self) -> str:
        return str(self)

    def role_names(self) -> frozenset[str]:
        """The user's role group names, cached on the instance for the request."""
        if not self.is_authenticated:
            return frozenset()
        if not hasattr(self, "_role_names"):
            self._role_names = frozenset(self.groups.values_list("name", flat=True))
        return self._role_names

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    @property
    def is_author(self) -> bool:
        return self.has_role(Role.AUTHOR)

    def has_role(self, role: str) -> bool:
        if self.is_superuser:
            return True
        return role in self.role_names()



def hash_key(key: str) -> str:
    # Keys are long random strings, so a plain SHA-256 is enough: nothing to guess from it.
    return hashlib.sha256(key.encode()).hexdigest()


class TokenQuerySet(models.QuerySet):
    def active(self) -> TokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A named key a program uses to act as its owner. Only its hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. “PACS export”.")
    # The first characters of the key, shown in lists so an owner can tell tokens apart.
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired
