from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.models import Group

from .models import Role


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            # New accounts are trainees; editors and admins grant further roles.
            group, _ = Group.objects.get_or_create(name=Role.TRAINEE)
            user.groups.add(group)
        return user
