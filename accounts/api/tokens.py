"""API tokens: exchange a username and password for one, and list, read and revoke your own.

The key is answered once, when the token is created; afterwards only its first characters
(`prefix`) are shown, so that an owner can tell their tokens apart.
"""

from __future__ import annotations

import datetime

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied, Throttled
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import sign_in
from accounts.api.authentication import TokenAuthentication
from accounts.api.permissions import SUSPENDED_DETAIL, NotSuspended
from accounts.models import ApiToken
from accounts.services import TooManyTokens, create_token, revoke_token
from api.errors import Conflict, errors
from api.validation import not_blank

UNCONFIRMED_DETAIL = (
    "Confirm your e-mail address first: follow the link in the message sent when you signed "
    "up, or ask for a new one on the e-mail page of your account."
)

DEFAULT_NAME = "API token"
NAME_NEEDED = "Give the token a name, e.g. what program uses it."
WRONG_CREDENTIALS = "Unable to sign in with this username and password."
DISABLED_ACCOUNT = "This account is disabled: ask a moderator to re-enable it."
LOCKED_OUT = (
    "Too many failed sign-ins for this account or from this address: wait before trying again."
)


class TokenSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField(
        help_text="`active`, `expired` or `revoked`: only an active token signs in."
    )

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "state",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "prefix": {"help_text": "The first characters of the key, to recognise it by."},
            "expires_at": {"help_text": "When the token stops working; null: never."},
            "last_used_at": {"help_text": "Last sign-in with the token, to the minute."},
        }

    def get_state(self, token: ApiToken) -> str:
        if token.revoked_at is not None:
            return "revoked"
        return "expired" if token.is_expired else "active"


class NewTokenSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text="Send it as `Authorization: Token <key>`. Shown only this once: keep it safe."
    )
    token = TokenSerializer()


class ObtainTokenSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=254, help_text="Your username or e-mail address.")
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    name = serializers.CharField(
        max_length=100,
        required=False,
        default=DEFAULT_NAME,
        validators=[not_blank(NAME_NEEDED)],
        error_messages={"blank": NAME_NEEDED},
        help_text="What the token is for, e.g. “PACS export”.",
    )
    expires_in_days = serializers.IntegerField(
        min_value=1,
        max_value=365,
        required=False,
        allow_null=True,
        help_text="Days until the token stops working; left out: it never expires.",
    )


class CreateTokenSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=100,
        validators=[not_blank(NAME_NEEDED)],
        error_messages={"blank": NAME_NEEDED},
        help_text="What the token is for, e.g. “PACS export”.",
    )
    expires_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="When the token stops working, in the future (one in the past is a 400); "
        "left out or null: never.",
    )


# The URL takes any segment so that a malformed id gets the API's 404, not the site's HTML one.
TOKEN_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The token's id."
)


def _created(token: ApiToken, key: str) -> Response:
    return Response(
        {"key": key, "token": TokenSerializer(token).data}, status=status.HTTP_201_CREATED
    )


class ObtainTokenView(APIView):
    # Credentials travel in the body, never in a session: so no cookie, and no CSRF to check.
    authentication_classes = []
    permission_classes = [NotSuspended, AllowAny]
    throttle_scope = "token"
    # `expires_in_days` may be null, which a form body cannot say.
    parser_classes = [JSONParser]

    def get_authenticate_header(self, request) -> str:
        # Wrong credentials are a 401, which carries the scheme the token is then used with
        # (DRF would turn it into a 403 for a view without authentication classes).
        return TokenAuthentication.keyword

    @extend_schema(
        operation_id="auth_token_create",
        summary="Exchange a username and password for a new token",
        description=(
            "Creates a named token for the account and answers its key, shown only this once. "
            "Wrong credentials answer 401 with the same message whether the username exists or "
            "not; a disabled account that gave its password, 403. Throttled per client "
            "address; failed attempts count with those of the login page, per username and per "
            "address, and while the login page would refuse the account (too many failures) "
            "this answers 429 too, even to the right password. A "
            "suspended member gets 403, as does an account whose e-mail address is not yet "
            "confirmed where the site requires confirmation."
        ),
        tags=["tokens"],
        auth=[],
        request=ObtainTokenSerializer,
        responses={201: NewTokenSerializer, **errors(400, 401, 403, 409, 415, 429)},
        examples=[
            OpenApiExample(
                "A token for a script, valid 90 days",
                value={
                    "username": "ada",
                    "password": "…",
                    "name": "PACS export",
                    "expires_in_days": 90,
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        form = ObtainTokenSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            user = sign_in.authenticate(
                request._request, login=data["username"], password=data["password"]
            )
        except sign_in.LockedOut as locked:
            raise Throttled(wait=locked.retry_after, detail=LOCKED_OUT) from None
        if user is None:
            why = _why_not_signed_in(data)
            if why == DISABLED_ACCOUNT:
                raise PermissionDenied(why)
            raise AuthenticationFailed(why)
        if not user.is_active:  # allauth answers a disabled account that gave its password
            raise PermissionDenied(DISABLED_ACCOUNT)
        if user.is_suspended:
            raise PermissionDenied(SUSPENDED_DETAIL)
        if not may_sign_in_unconfirmed(user):
            raise PermissionDenied(UNCONFIRMED_DETAIL)
        days = data.get("expires_in_days")
        expires_at = timezone.now() + datetime.timedelta(days=days) if days else None
        try:
            token, key = create_token(user, name=data["name"], expires_at=expires_at)
        except TooManyTokens as refused:
            raise Conflict(refused.message) from None
        return _created(token, key)


def may_sign_in_unconfirmed(user) -> bool:
    """Where e-mail verification is mandatory (production), the login page refuses an account
    whose address is not confirmed; so does the token exchange."""
    if settings.ACCOUNT_EMAIL_VERIFICATION != "mandatory":
        return True
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def _why_not_signed_in(data: dict) -> str:
    # The backends refuse disabled accounts like wrong passwords; say so only to someone who
    # knows the password, so that nobody learns which usernames exist.
    User = get_user_model()
    user = User._default_manager.filter(**{User.USERNAME_FIELD: data["username"]}).first()
    if user is not None and not user.is_active and user.check_password(data["password"]):
        return DISABLED_ACCOUNT
    return WRONG_CREDENTIALS


class OwnTokensMixin:
    permission_classes = [NotSuspended, IsAuthenticated]
    # `expires_at` may be null, which a form body cannot say.
    parser_classes = [JSONParser]
    serializer_class = TokenSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is built without a user
            return ApiToken.objects.none()
        # Only the caller's own tokens exist for them: someone else's is a 404.
        return ApiToken.objects.filter(user=self.request.user)


@extend_schema_view(
    get=extend_schema(
        summary="List your tokens",
        description="Active, expired and revoked, newest first. Keys are never shown again.",
        tags=["tokens"],
        # 404: a page number past the last page.
        responses={200: TokenSerializer(many=True), **errors(401, 404, 429)},
    ),
    post=extend_schema(
        summary="Create a token",
        description=(
            "Answers the new token's key, shown only this once. With session sign-in the "
            "request needs the CSRF token (X-CSRFToken header). With as many active tokens as "
            "allowed, 409: revoke one first."
        ),
        tags=["tokens"],
        request=CreateTokenSerializer,
        responses={201: NewTokenSerializer, **errors(400, 401, 403, 409, 415, 429)},
    ),
)
class TokenListView(OwnTokensMixin, generics.ListCreateAPIView):
    def create(self, request, *args, **kwargs):
        form = CreateTokenSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            token, key = create_token(
                request.user,
                name=form.validated_data["name"],
                expires_at=form.validated_data.get("expires_at"),
            )
        except TooManyTokens as refused:
            raise Conflict(refused.message) from None
        return _created(token, key)


@extend_schema_view(
    get=extend_schema(
        summary="Read one of your tokens",
        tags=["tokens"],
        parameters=[TOKEN_ID],
        responses={200: TokenSerializer, **errors(401, 404, 429)},
    ),
    delete=extend_schema(
        summary="Revoke one of your tokens",
        description=(
            "The token stops working at once; it stays in your list as revoked. Revoking it "
            "again changes nothing."
        ),
        tags=["tokens"],
        parameters=[TOKEN_ID],
        responses={204: None, **errors(401, 403, 404, 429)},
    ),
)
class TokenDetailView(OwnTokensMixin, generics.RetrieveDestroyAPIView):
    def perform_destroy(self, token: ApiToken) -> None:
        revoke_token(token, by=self.request.user)
