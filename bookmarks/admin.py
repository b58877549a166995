from django.contrib import admin

from .models import Bookmark, Collection, CollectionItem


class CollectionItemInline(admin.TabularInline):
    model = CollectionItem
    extra = 0
    raw_id_fields = ("case",)


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "visibility", "updated_at")
    list_filter = ("visibility",)
    search_fields = ("title", "owner__username")
    raw_id_fields = ("owner",)
    readonly_fields = ("share_token", "created_at", "updated_at")
    inlines = [CollectionItemInline]


@admin.register(Bookmark)
class BookmarkAdmin(admin.ModelAdmin):
    list_display = ("user", "case", "created_at")
    raw_id_fields = ("user", "case")
