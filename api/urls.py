"""/api/v1/ and the schema and documentation pages beside it."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from .cases import CaseViewSet

router = SimpleRouter()
router.register("cases", CaseViewSet, basename="api-case")

v1 = [
    path("", include("api.tokens_urls")),
    path("", include(router.urls)),
    path("", include("api.misc_urls")),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
