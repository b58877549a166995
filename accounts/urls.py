from django.urls import path

from . import views

urlpatterns = [
    path("profile/", views.profile, name="account_profile"),
    path("tokens/", views.api_tokens, name="account_api_tokens"),
    path("tokens/<int:pk>/revoke/", views.revoke_api_token, name="account_api_token_revoke"),
]
