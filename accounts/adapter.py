from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.models import Group

from api.client_address import client_address

from .models import Role


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            # New accounts are trainees; editors and admins grant further roles.
            group, _ = Group.objects.get_or_create(name=Role.TRAINEE)
            user.groups.add(group)
        return user

    def get_client_ip(self, request) -> str:
        # allauth's rate limits (failed sign-ins per address among them) count by the same
        # address as the API throttles: TRUSTED_PROXIES decides whether X-Forwarded-For counts.
        return client_address(request) or super().get_client_ip(request)
