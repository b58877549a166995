from django import forms
from django.contrib import admin, messages

from .frozen import frozen_message, is_frozen
from .models import (
    Case,
    CaseAuthor,
    CaseEvent,
    CaseView,
    Commentary,
    DifferentialDiagnosis,
    ExercisePrescription,
    Figure,
    QuizQuestion,
    Reference,
    Revision,
    Section,
    Study,
    System,
    Tag,
    TeachingPoint,
)

# --- Published means frozen ----------------------------------------------------------------
#
# A published case, and every part of it, is shown read-only here, superusers included: its
# content changes only through a new revision (cases/frozen.py).

ADMIN_FROZEN_NOTE = (
    "This case is published, so it is read-only here. To change it, an author starts a new "
    "revision from the case's editorial page (“Start a new revision”); it is reviewed and "
    "then published in this case's place."
)


class FrozenInline:
    """An inline of a case's parts: read-only when the case (the admin's object) is published."""

    def has_add_permission(self, request, obj=None) -> bool:
        return not (obj is not None and is_frozen(obj)) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return not (obj is not None and is_frozen(obj)) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return not (obj is not None and is_frozen(obj)) and super().has_delete_permission(
            request, obj
        )


def case_of(obj) -> Case | None:
    """The case a part belongs to (a study, a section, a figure…), if any."""
    if obj is None:
        return None
    if isinstance(obj, Case):
        return obj
    if isinstance(obj, Figure):
        return obj.study.case if obj.study_id else None
    return obj.case if getattr(obj, "case_id", None) else None


class NotIntoAPublishedCase(forms.ModelForm):
    """A part's form that refuses to add or move the part into a published case."""

    def clean(self):
        cleaned = super().clean()
        target = cleaned.get("case")
        if target is None and cleaned.get("study") is not None:
            target = cleaned["study"].case
        if target is not None and is_frozen(target):
            raise forms.ValidationError(frozen_message(target))
        return cleaned


class FrozenPartAdmin(admin.ModelAdmin):
    """The admin of a part of a case (or of a study or figure): read-only once published."""

    form = NotIntoAPublishedCase

    def has_change_permission(self, request, obj=None) -> bool:
        case = case_of(obj)
        return not (case is not None and is_frozen(case)) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        case = case_of(obj)
        return not (case is not None and is_frozen(case)) and super().has_delete_permission(
            request, obj
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        case = case_of(obj)
        if request.method == "GET" and case is not None and is_frozen(case):
            messages.info(request, ADMIN_FROZEN_NOTE)
        return super().change_view(request, object_id, form_url, extra_context)


class CaseAuthorInline(FrozenInline, admin.TabularInline):
    model = CaseAuthor
    extra = 0
    autocomplete_fields = ("user",)


class StudyInline(FrozenInline, admin.StackedInline):
    model = Study
    extra = 0
    show_change_link = True


class SectionInline(FrozenInline, admin.StackedInline):
    model = Section
    extra = 0


class DifferentialInline(FrozenInline, admin.TabularInline):
    model = DifferentialDiagnosis
    extra = 0


class TeachingPointInline(FrozenInline, admin.TabularInline):
    model = TeachingPoint
    extra = 0


class ReferenceInline(FrozenInline, admin.TabularInline):
    model = Reference
    extra = 0


class CommentaryInline(FrozenInline, admin.StackedInline):
    model = Commentary
    extra = 0
    raw_id_fields = ("rehabilitation", "verified_by")


class QuizQuestionInline(FrozenInline, admin.StackedInline):
    model = QuizQuestion
    extra = 0


@admin.register(Case)
class CaseAdmin(FrozenPartAdmin):
    list_display = ("title", "case_type", "status", "visibility", "licence", "published_at")
    list_filter = ("status", "visibility", "case_type", "licence", "consent", "systems")
    search_fields = ("title", "final_diagnosis")
    date_hierarchy = "created_at"
    filter_horizontal = ("tags", "systems")
    raw_id_fields = ("created_by", "rehabilitation")
    # The workflow state changes only through the workflow services (the editorial page), which
    # keep the audit trail and tell the people concerned.
    readonly_fields = (
        "status",
        "published_at",
        "revision_of",
        "created_at",
        "updated_at",
        "version",
    )
    inlines = (
        CaseAuthorInline,
        StudyInline,
        SectionInline,
        DifferentialInline,
        TeachingPointInline,
        ReferenceInline,
        CommentaryInline,
        QuizQuestionInline,
    )

    # The case's own form (a part's check of its case does not apply to the case itself).
    form = forms.ModelForm


class ReadOnlyAdmin(admin.ModelAdmin):
    """The audit trail and the snapshots are records: readable in the admin, never edited."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


FIGURE_OUTPUTS = (
    "kind",
    "original",
    "content_hash",
    "thumbnail",
    "web",
    "full",
    "width",
    "height",
    "modality",
    "status",
    "processing_error",
    "quarantine_reasons",
    "queued_at",
)


class FigureInline(admin.StackedInline):
    # Read-only once the study's case is published (the admin's object is the study).

    def _frozen(self, obj) -> bool:
        return obj is not None and is_frozen(obj.case)

    def has_add_permission(self, request, obj=None) -> bool:
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not self._frozen(obj) and super().has_delete_permission(request, obj)

    model = Figure
    extra = 0
    # Images are added in the case editor, where every upload is inspected first.
    readonly_fields = FIGURE_OUTPUTS


@admin.register(Study)
class StudyAdmin(FrozenPartAdmin):
    list_display = ("__str__", "modality", "case")
    list_filter = ("modality",)
    list_select_related = ("case",)
    raw_id_fields = ("case",)
    inlines = (FigureInline,)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "scheme", "code")
    list_filter = ("scheme",)
    search_fields = ("name", "code")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(System)
class SystemAdmin(admin.ModelAdmin):
    list_display = ("name", "code")


@admin.register(ExercisePrescription)
class ExercisePrescriptionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "frequency", "type")


for model in (
    CaseAuthor,
    Section,
    DifferentialDiagnosis,
    TeachingPoint,
    Reference,
    Commentary,
    QuizQuestion,
):
    admin.site.register(
        model, FrozenPartAdmin, list_display=("__str__", "case"), raw_id_fields=("case",)
    )


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "case", "actor", "action", "from_status", "to_status")
    list_filter = ("action", "to_status")
    search_fields = ("case__title", "note")
    raw_id_fields = ("case", "actor")


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ("case", "number", "kind", "case_version", "created_by", "created_at")
    list_filter = ("kind",)
    search_fields = ("case__title", "summary")
    raw_id_fields = ("case", "created_by")


@admin.register(CaseView)
class CaseViewAdmin(ReadOnlyAdmin):
    list_display = ("case", "day")
    list_filter = ("day",)
    raw_id_fields = ("case",)
