"""/api/v1/ routes of reviews, and of asking a reviewer to review a case."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import assignment, reviews

router = SimpleRouter()
router.register("reviews", reviews.ReviewViewSet, basename="api-review")

urlpatterns = [
    *router.urls,
    path(
        "cases/<int:id>/assign-reviewer/",
        assignment.AssignReviewer.as_view(),
        name="api-case-assign-reviewer",
    ),
]
