from django.urls import path

from . import views

urlpatterns = [
    path("reviews/<int:pk>/", views.review_detail, name="review-detail"),
    path("reviews/<int:pk>/decline/", views.decline, name="review-decline"),
]
