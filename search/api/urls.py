"""The search endpoints of /api/v1/: the search itself and your saved searches."""

from rest_framework.routers import SimpleRouter

from .views import SavedSearchViewSet, SearchViewSet

router = SimpleRouter()
router.register("search", SearchViewSet, basename="api-search")
router.register("saved-searches", SavedSearchViewSet, basename="api-saved-search")

urlpatterns = router.urls
