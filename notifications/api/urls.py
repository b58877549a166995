"""/api/v1/ routes of notifications."""

from rest_framework.routers import SimpleRouter

from . import notifications

router = SimpleRouter()
router.register("notifications", notifications.NotificationViewSet, basename="api-notification")

urlpatterns = router.urls
