"""Creating and revoking API tokens: what the account page and the API both call."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from .models import ApiToken, User, hash_key

KEY_PREFIX = "tf_"
MAX_ACTIVE_TOKENS = 20


class TooManyTokens(ValidationError):
    """The person has as many active tokens as allowed (a conflict with their state: 409 in
    the API)."""

    def __init__(self):
        super().__init__(
            f"You have {MAX_ACTIVE_TOKENS} active tokens, the most allowed: revoke one first."
        )


def create_token(
    user: User, *, name: str, expires_at: datetime.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for `user`, and its key: the only time the key is ever shown."""
    if user.is_suspended:
        # Pages and the API refuse a suspended member's writes before this; a token is a
        # write wherever it is asked for, so the rule holds here too.
        raise PermissionDenied(
            "Your account is suspended: you cannot create API tokens until a moderator "
            "reinstates you."
        )
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Give the token a name, e.g. what program uses it."})
    if len(name) > 100:
        raise ValidationError({"name": "Keep the name to 100 characters."})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    if ApiToken.objects.active().filter(user=user).count() >= MAX_ACTIVE_TOKENS:
        raise TooManyTokens
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:10], key_hash=hash_key(key), expires_at=expires_at
    )
    return token, key


def revoke_token(token: ApiToken, *, by: User) -> ApiToken:
    """Revoke a token at once. Only its owner may; revoking twice changes nothing."""
    if token.user_id != by.pk:
        raise PermissionDenied("Only the token's owner can revoke it.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
