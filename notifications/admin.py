from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "kind", "created_at", "read_at", "emailed_at")
    list_filter = ("kind", "created_at", "read_at", "emailed_at")
    list_select_related = ("recipient",)
    search_fields = ("title", "recipient__username", "recipient__email", "case__title")
    raw_id_fields = ("recipient", "case")
    date_hierarchy = "created_at"
    readonly_fields = ("created_at", "emailed_at", "email_error")
