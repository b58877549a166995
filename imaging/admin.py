"""The admin of figures: an image replaced here is inspected and processed like an upload.

A figure of a published case is read-only here (cases/admin.py): it changes in a new revision.
"""

from django import forms
from django.contrib import admin

from cases.admin import FIGURE_OUTPUTS, FrozenPartAdmin, NotIntoAPublishedCase, ReadOnlyAdmin
from cases.models import Figure, FigureFrame, QuarantineDecision

from .uploads import attach_figure_image, inspect


class FigureAdminForm(NotIntoAPublishedCase):
    image = forms.FileField(
        required=False,
        label="Replace the image",
        help_text="Inspected like an upload in the editor, then processed again.",
    )

    class Meta:
        model = Figure
        fields = [
            "study",
            "position",
            "label",
            "caption",
            "alt_text",
            "flagged_burned_in",
            "annotations",
        ]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image:
            inspect(image)  # a refused file raises the reason as a form error
        return image


@admin.register(Figure)
class FigureAdmin(FrozenPartAdmin):  # read-only once its case is published
    form = FigureAdminForm
    list_display = ("__str__", "study", "kind", "status")
    list_filter = ("status", "kind")
    list_select_related = ("study",)
    raw_id_fields = ("study",)
    readonly_fields = FIGURE_OUTPUTS

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("image"):
            attach_figure_image(obj, upload=form.cleaned_data["image"], by=request.user)


@admin.register(FigureFrame)
class FigureFrameAdmin(ReadOnlyAdmin):
    list_display = ("figure", "position", "instance_number")
    raw_id_fields = ("figure",)


@admin.register(QuarantineDecision)
class QuarantineDecisionAdmin(ReadOnlyAdmin):
    list_display = ("figure", "decision", "decided_by", "decided_at")
    list_filter = ("decision",)
    raw_id_fields = ("figure", "decided_by")
