from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Institution, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Profile", {"fields": ("display_name", "institution", "orcid", "training_level")}),
    )
    list_display = ("username", "display_name", "email", "institution", "training_level")
    list_filter = ("groups", "training_level", "institution", "is_staff")
    list_select_related = ("institution",)
    search_fields = ("username", "display_name", "email", "first_name", "last_name")


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("name", "country")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)
