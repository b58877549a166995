from django.urls import path

from . import tokens

urlpatterns = [
    path("auth/token/", tokens.ObtainTokenView.as_view(), name="api-auth-token"),
    path("tokens/", tokens.TokenListView.as_view(), name="api-token-list"),
    path("tokens/<str:pk>/", tokens.TokenDetailView.as_view(), name="api-token-detail"),
]
