"""The home page, browsing and searching the cases, and saved searches."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("cases/", views.browse, name="browse"),
    path("searches/", views.saved_search_list, name="saved-search-list"),
    path("searches/new/", views.saved_search_create, name="saved-search-create"),
    path("searches/<int:pk>/", views.saved_search_edit, name="saved-search-edit"),
    path("searches/<int:pk>/delete/", views.saved_search_delete, name="saved-search-delete"),
]
