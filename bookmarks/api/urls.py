"""The bookmarks and collections endpoints of /api/v1/.

Ids are matched as any segment so that a malformed one gets the API's 404, not the site's page.
"""

from django.urls import path

from . import bookmarks, collections

urlpatterns = [
    path("bookmarks/", bookmarks.BookmarkListView.as_view(), name="api-bookmark-list"),
    path("bookmarks/<str:pk>/", bookmarks.BookmarkDetailView.as_view(), name="api-bookmark-detail"),
    path("collections/", collections.CollectionListView.as_view(), name="api-collection-list"),
    # Before collections/<pk>/, which would otherwise take "shared" for an id.
    path(
        "collections/shared/<str:token>/",
        collections.SharedCollectionView.as_view(),
        name="api-collection-shared",
    ),
    path(
        "collections/<str:pk>/",
        collections.CollectionDetailView.as_view(),
        name="api-collection-detail",
    ),
    path(
        "collections/<str:pk>/share-link/",
        collections.ShareLinkView.as_view(),
        name="api-collection-share-link",
    ),
    path(
        "collections/<str:pk>/items/",
        collections.ItemListView.as_view(),
        name="api-collection-items",
    ),
    path(
        "collections/<str:pk>/items/<str:item_id>/",
        collections.ItemDetailView.as_view(),
        name="api-collection-item-detail",
    ),
]
