from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("reviews.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("cases.history_urls")),
    path("", include("cases.editor_urls")),
    path("", include("cases.figure_urls")),
    path("", include("search.urls")),
    path("", include("study.urls")),
    path("", include("bookmarks.urls")),
    path("", include("community.urls")),
    path("", include("interchange.urls")),
    path("", include("cases.urls")),
]
