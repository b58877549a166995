"""/api/v1/ routes of the caller's account: `me` and API tokens."""

from django.urls import include, path

from . import me

urlpatterns = [
    path("me/", me.Me.as_view(), name="api-me"),
    path("", include("accounts.api.tokens_urls")),
]
