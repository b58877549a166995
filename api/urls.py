"""/api/v1/ and the schema and documentation pages beside it."""

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from .cases import CaseViewSet
from .docs import RedocView
from .errors import error_body

router = SimpleRouter()
router.register("cases", CaseViewSet, basename="api-case")

v1 = [
    path("", include("api.tokens_urls")),
    path("", include(router.urls)),
    path("", include("api.misc_urls")),
    path("", include("api.figures_urls")),
    path("", include("search.api_urls")),
    path("", include("study.api_urls")),
    path("", include("bookmarks.api_urls")),
    path("", include("community.api_urls")),
    path("", include("interchange.api_urls")),
]


@csrf_exempt  # it changes nothing; a POST to a wrong address should read "no endpoint"
def not_found(request, rest: str = ""):
    """Any other address under /api/: the API's 404, not the site's HTML page."""
    return JsonResponse(error_body(f"No API endpoint at {request.path}."), status=404)


urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", RedocView.as_view(url_name="api-schema"), name="api-redoc"),
    # [\s\S], not ".": an address with a line break in it is still one of the API's 404s.
    re_path(r"^(?P<rest>[\s\S]*)$", not_found),
]
