"""/api/v1/ routes of the caller's account: `me`, and exchanging a password for API tokens."""

from django.urls import path

from . import me, tokens

urlpatterns = [
    path("me/", me.Me.as_view(), name="api-me"),
    path("auth/token/", tokens.ObtainTokenView.as_view(), name="api-auth-token"),
    path("tokens/", tokens.TokenListView.as_view(), name="api-token-list"),
    path("tokens/<str:pk>/", tokens.TokenDetailView.as_view(), name="api-token-detail"),
]
