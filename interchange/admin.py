from django.contrib import admin

from .models import ImportedSource, ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Import jobs as a record: they are made through the API and changed only by the worker."""

    list_display = (
        "id",
        "owner",
        "status",
        "created_at",
        "finished_at",
        "file_count",
        "imported",
        "duplicates",
        "attention",
    )
    list_filter = ("status",)
    list_select_related = ("owner",)
    search_fields = ("owner__username",)
    readonly_fields = [field.name for field in ImportJob._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ImportedSource)
class ImportedSourceAdmin(admin.ModelAdmin):
    """Sources imported before; deleting one lets the same file be imported again."""

    list_display = ("file_name", "case", "imported_by", "imported_at")
    list_select_related = ("case", "imported_by")
    search_fields = ("file_name", "fingerprint")
    raw_id_fields = ("case", "imported_by")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
