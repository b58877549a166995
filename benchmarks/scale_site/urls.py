"""The site's own addresses, with the baselines under /_bench/."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("_bench/bare/", views.bare),
    path("_bench/api-baseline/", views.case_list_by_hand),
    path("_bench/pk/<int:pk>/", views.case_by_primary_key),
    path("", include("teachingfile.urls")),
]
