from django.urls import path

from . import views

urlpatterns = [
    path("cases/<int:pk>/", views.case_permalink, name="case-permalink"),
    path("cases/<int:pk>/<slug:slug>/", views.case_detail, name="case-detail"),
]
