"""Serializers of the case resource shared with other apps' endpoints, and of its actions."""

from __future__ import annotations

from rest_framework import serializers

from cases.models import Case
from cases.templatetags.case_tags import card_figure
from cases.workflow import Action

from .summaries import case_api_url, figure_thumbnail_url


class CaseSummarySerializer(serializers.ModelSerializer):
    """A case as lists show it: enough to choose one, without the answer."""

    url = serializers.SerializerMethodField()
    page_url = serializers.CharField(source="get_absolute_url", read_only=True)
    modalities = serializers.SerializerMethodField()
    systems = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "url",
            "page_url",
            "title",
            "case_type",
            "status",
            "visibility",
            "version",
            "difficulty",
            "in_unknown_mode",
            "modalities",
            "systems",
            "thumbnail_url",
            "created_at",
            "updated_at",
            "published_at",
        ]

    def get_url(self, case: Case) -> str:
        return case_api_url(case.pk)

    def get_modalities(self, case: Case) -> list[str]:
        return list(dict.fromkeys(study.modality for study in case.studies.all()))

    def get_systems(self, case: Case) -> list[str]:
        return [system.code for system in case.systems.all()]

    def get_thumbnail_url(self, case: Case) -> str | None:
        figure = card_figure(case)
        return figure_thumbnail_url(figure.pk) if figure else None


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, help_text="A note for the record."
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, help_text="Why; the authors are told.")


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[Action.ACCEPT, Action.REQUEST_CHANGES, Action.REJECT]
    )
    message = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text="To the authors; required to request changes or to reject.",
    )
    without_review = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Confirms accepting a case no reviewer has completed a review of. Without it "
        "such an acceptance is refused with 400 and an error on `without_review`; it changes "
        "nothing once a review is completed, nor for the other decisions.",
    )


class AvailableActionSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()
    path = serializers.CharField()
    note_required = serializers.BooleanField()
    note_label = serializers.CharField()


class VerifyCommentarySerializer(serializers.Serializer):
    commentary = serializers.IntegerField(
        min_value=0, help_text="The commentary's index in the document's `commentaries`."
    )
