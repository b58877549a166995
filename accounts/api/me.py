"""The signed-in person: who they are, their roles, and the profile they may change.

Changes go through the account page's form, so an ORCID iD is checked (and a pasted
orcid.org link trimmed) the same way on the page and here.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import NotSuspended
from accounts.forms import ProfileForm
from accounts.models import Role, User
from api.errors import errors
from api.validation import require_text

TAG = "me"


class ChangeableProfileForm(ProfileForm):
    """The profile fields a program may change (the institution stays on the account page)."""

    class Meta(ProfileForm.Meta):
        fields = ["display_name", "orcid", "training_level"]


class InstitutionSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


class MeSerializer(serializers.ModelSerializer):
    username = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True, help_text="The name shown on cases.")
    email = serializers.CharField(read_only=True)
    training_level = serializers.ChoiceField(
        choices=User.TrainingLevel.choices, allow_blank=True, read_only=True
    )
    roles = serializers.SerializerMethodField()
    institution = InstitutionSerializer(allow_null=True, read_only=True)
    unread_notifications = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "username",
            "name",
            "display_name",
            "email",
            "roles",
            "institution",
            "orcid",
            "training_level",
            "unread_notifications",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(Role.choices)))
    def get_roles(self, user: User) -> list[str]:
        return [role for role in Role.values if user.has_role(role)]

    def get_unread_notifications(self, user: User) -> int:
        # Through the reverse relation: accounts sits below notifications and imports none of it.
        return user.notifications.unread().count()


class ProfileChangeSerializer(serializers.Serializer):
    """The request body of a profile change, for the schema; the account page's form checks it."""

    display_name = serializers.CharField(
        required=False, allow_blank=True, max_length=150, help_text="Empty shows your username."
    )
    orcid = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=60,
        # The form's check (accounts/validators.py) as far as a pattern can say it; the last
        # character is also a check digit, which no pattern can.
        validators=[
            RegexValidator(
                r"^\s*(((https?|HTTPS?)://(orcid\.org|ORCID\.ORG)/)?\d{4}-\d{4}-\d{4}-\d{3}[\dXx])?\s*$"
            )
        ],
        help_text="Like 0000-0002-1825-0097; an orcid.org link works too; empty removes it.",
    )
    training_level = serializers.ChoiceField(
        choices=User.TrainingLevel.choices, required=False, allow_blank=True
    )


class Me(APIView):
    permission_classes = [NotSuspended, IsAuthenticated]
    parser_classes = [JSONParser]
    http_method_names = ["get", "patch", "head", "options"]

    def _user(self, request) -> User:
        # Fresh, with its institution, rather than the user the authentication loaded.
        return User.objects.select_related("institution").get(pk=request.user.pk)

    @extend_schema(
        summary="Who you are",
        description="Your account, roles and unread notification count.",
        tags=[TAG],
        responses={200: MeSerializer, **errors(401, 429)},
    )
    def get(self, request) -> Response:
        return Response(MeSerializer(self._user(request)).data)

    @extend_schema(
        summary="Change your profile",
        description="Send only the fields to change: `display_name`, `orcid`, `training_level`. "
        "An ORCID iD whose check digit (its last character) is wrong is a 400.",
        tags=[TAG],
        request=ProfileChangeSerializer,
        responses={200: MeSerializer, **errors(400, 401, 429)},
    )
    def patch(self, request) -> Response:
        fields = ChangeableProfileForm.Meta.fields
        require_text(request.data, fields)
        user = self._user(request)
        # A partial change: the fields not sent keep their values; other keys are ignored.
        data = {name: getattr(user, name) for name in fields}
        data.update({name: request.data[name] for name in fields if name in request.data})
        form = ChangeableProfileForm(data, instance=user)
        if not form.is_valid():
            raise ValidationError({name: list(texts) for name, texts in form.errors.items()})
        form.save()
        return Response(MeSerializer(self._user(request)).data)
