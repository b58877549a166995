"""/api/v1/ routes of reviews."""

from rest_framework.routers import SimpleRouter

from . import reviews

router = SimpleRouter()
router.register("reviews", reviews.ReviewViewSet, basename="api-review")

urlpatterns = router.urls
