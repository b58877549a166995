"""/api/v1/: each app's endpoints, from its `api/urls.py`.

No two apps' patterns overlap, so the order of these includes does not matter; only the JSON
404 for every other address must come after them.
"""

from django.urls import include, path, re_path

from api.views import ANY_ADDRESS, not_found

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("cases.api.urls")),
    path("", include("imaging.api.urls")),
    path("", include("reviews.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("search.api.urls")),
    path("", include("study.api.urls")),
    path("", include("bookmarks.api.urls")),
    path("", include("community.api.urls")),
    path("", include("interchange.api.urls")),
    # Last: any other address under /api/v1/.
    re_path(ANY_ADDRESS, not_found),
]
