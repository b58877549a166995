"""/api/v1/ routes of notifications."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("notifications", views.NotificationViewSet, basename="api-notification")

urlpatterns = router.urls
