"""The site's addresses: one include per app for its pages and one for all of /api/v1/.

No app's patterns shadow another's (`cases/<pk>/<slug>/` refuses the words other pages use
after a case's id), so these includes can stand in any order; tests/test_url_layout.py checks.
"""

from django.contrib import admin
from django.urls import include, path

from teachingfile import health

# An unexpected error under /api/ answers the API's JSON error shape (api/errors.py).
handler500 = "api.errors.server_error"

urlpatterns = [
    # Probes, without a trailing slash as load balancers are usually given them.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("teachingfile.api_urls")),
    path("api/", include("api.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("cases.urls")),
    path("", include("imaging.urls")),
    path("", include("reviews.urls")),
    path("", include("search.urls")),
    path("", include("study.urls")),
    path("", include("bookmarks.urls")),
    path("", include("community.urls")),
    path("", include("interchange.urls")),
]
