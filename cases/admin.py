from django.contrib import admin

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


class CaseAuthorInline(admin.TabularInline):
    model = CaseAuthor
    extra = 0
    autocomplete_fields = ("user",)


class StudyInline(admin.StackedInline):
    model = Study
    extra = 0
    show_change_link = True


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0


class DifferentialInline(admin.TabularInline):
    model = DifferentialDiagnosis
    extra = 0


class TeachingPointInline(admin.TabularInline):
    model = TeachingPoint
    extra = 0


class ReferenceInline(admin.TabularInline):
    model = Reference
    extra = 0


class CommentaryInline(admin.StackedInline):
    model = Commentary
    extra = 0
    raw_id_fields = ("rehabilitation", "verified_by")


class QuizQuestionInline(admin.StackedInline):
    model = QuizQuestion
    extra = 0


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
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
    model = Figure
    extra = 0
    # Images are added in the case editor, where every upload is inspected first.
    readonly_fields = FIGURE_OUTPUTS


@admin.register(Study)
class StudyAdmin(admin.ModelAdmin):
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
    admin.site.register(model, list_display=("__str__", "case"), raw_id_fields=("case",))


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
