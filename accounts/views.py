import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .forms import ApiTokenForm, ProfileForm
from .models import ApiToken
from .services import create_token, revoke_token

TOKENS_PER_PAGE = 20


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("account_profile")
    return render(request, "accounts/profile.html", {"form": form})


@never_cache  # the answer to a creation holds the key: no cache may keep it
@login_required
def api_tokens(request):
    """The owner's API tokens, and a form to create one whose key is shown this once."""
    form = ApiTokenForm(request.POST or None)
    new_token = new_key = None
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["expires_in_days"]
        expires_at = timezone.now() + datetime.timedelta(days=days) if days else None
        try:
            new_token, new_key = create_token(
                request.user, name=form.cleaned_data["name"], expires_at=expires_at
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Answered here rather than after a redirect: the key is never stored, not even in
            # the session, so this page is the only place it can be read.
            form = ApiTokenForm()
    paginator = Paginator(ApiToken.objects.filter(user=request.user), TOKENS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "new_token": new_token,
            "new_key": new_key,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        },
    )


@require_POST
@login_required
def revoke_api_token(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    revoke_token(token, by=request.user)
    messages.success(
        request, f"“{token.name}” is revoked: programs using it can no longer sign in."
    )
    return redirect("account_api_tokens")
