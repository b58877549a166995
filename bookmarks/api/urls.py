"""The bookmarks and collections endpoints of /api/v1/.

Ids are matched as any segment so that a malformed one gets the API's 404, not the site's page.
"""

from django.urls import path

from . import api, collection_api

urlpatterns = [
    path("bookmarks/", api.BookmarkListView.as_view(), name="api-bookmark-list"),
    path("bookmarks/<str:pk>/", api.BookmarkDetailView.as_view(), name="api-bookmark-detail"),
    path("collections/", collection_api.CollectionListView.as_view(), name="api-collection-list"),
    # Before collections/<pk>/, which would otherwise take "shared" for an id.
    path(
        "collections/shared/<str:token>/",
        collection_api.SharedCollectionView.as_view(),
        name="api-collection-shared",
    ),
    path(
        "collections/<str:pk>/",
        collection_api.CollectionDetailView.as_view(),
        name="api-collection-detail",
    ),
    path(
        "collections/<str:pk>/share-link/",
        collection_api.ShareLinkView.as_view(),
        name="api-collection-share-link",
    ),
    path(
        "collections/<str:pk>/items/",
        collection_api.ItemListView.as_view(),
        name="api-collection-items",
    ),
    path(
        "collections/<str:pk>/items/<str:item_id>/",
        collection_api.ItemDetailView.as_view(),
        name="api-collection-item-detail",
    ),
]
