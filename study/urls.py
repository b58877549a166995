from django.urls import path

from . import views

urlpatterns = [
    path("unknowns/", views.unknown_list, name="unknown-list"),
    path("unknowns/next/", views.unknown_next, name="unknown-next"),
    path("unknowns/<str:code>/", views.unknown, name="unknown"),
    # The address before unknowns had codes: a redirect, for old bookmarks.
    path("cases/<int:pk>/unknown/", views.case_unknown, name="case-unknown"),
    path("attempts/<int:pk>/", views.attempt_detail, name="attempt-detail"),
    path("attempts/<int:pk>/reveal/", views.attempt_reveal, name="attempt-reveal"),
    path("attempts/<int:pk>/assess/", views.attempt_assess, name="attempt-assess"),
    path("study/review/", views.review_queue, name="review-queue"),
    path("study/progress/", views.progress, name="progress"),
]
