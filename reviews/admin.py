from django.contrib import admin

from .models import Review


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("case", "reviewer", "status", "recommendation", "due_date", "completed_at")
    list_filter = ("status", "recommendation")
    search_fields = ("case__title", "reviewer__username", "reviewer__display_name")
    raw_id_fields = ("case", "reviewer", "assigned_by")
    # Reviews are written and decided on the site, where the people concerned are told.
    readonly_fields = (
        "case",
        "reviewer",
        "assigned_by",
        "case_version",
        "status",
        "assigned_at",
        "completed_at",
        "declined_at",
        "reminded_at",
        "answered_at",
    )
