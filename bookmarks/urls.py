from django.urls import path

from . import conference, views

urlpatterns = [
    path("bookmarks/", views.bookmark_list, name="bookmark-list"),
    path("bookmarks/add/", views.bookmark_add, name="bookmark-add"),
    path("bookmarks/remove/", views.bookmark_remove, name="bookmark-remove"),
    path("collections/", views.collection_list, name="collection-list"),
    path("collections/new/", views.collection_create, name="collection-create"),
    path("collections/add/", views.collection_add_case, name="collection-add-case"),
    path("collections/shared/<slug:token>/", views.collection_shared, name="collection-shared"),
    path(
        "collections/shared/<slug:token>/present/",
        conference.collection_shared_present,
        name="collection-shared-present",
    ),
    path("collections/<int:pk>/", views.collection_detail, name="collection-detail"),
    path("collections/<int:pk>/edit/", views.collection_edit, name="collection-edit"),
    path(
        "collections/<int:pk>/share-link/",
        views.collection_regenerate_link,
        name="collection-regenerate-link",
    ),
    path("collections/<int:pk>/delete/", views.collection_delete, name="collection-delete"),
    path(
        "collections/<int:pk>/remove-unavailable/",
        views.collection_remove_unavailable,
        name="collection-remove-unavailable",
    ),
    path(
        "collections/<int:pk>/present/",
        conference.collection_present,
        name="collection-present",
    ),
    path(
        "collections/<int:pk>/items/<int:item_pk>/edit/",
        views.item_edit,
        name="collection-item-edit",
    ),
    path(
        "collections/<int:pk>/items/<int:item_pk>/move/",
        views.item_move,
        name="collection-item-move",
    ),
    path(
        "collections/<int:pk>/items/<int:item_pk>/remove/",
        views.item_remove,
        name="collection-item-remove",
    ),
]
