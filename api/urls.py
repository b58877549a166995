"""/api/: the schema and documentation pages, and the JSON 404 for addresses outside /api/v1/.

The endpoints of /api/v1/ are composed from each app's `api/urls.py` in
`teachingfile/api_urls.py`; this package knows no app.
"""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .docs import RedocView
from .views import not_found

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", RedocView.as_view(url_name="api-schema"), name="api-redoc"),
    # Not v1/…, which `teachingfile/api_urls.py` answers (with its own 404): so the two
    # includes of /api/ can stand in either order.
    re_path(r"^(?!v1/)(?P<rest>[\s\S]*)$", not_found),
]
