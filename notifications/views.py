from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import services
from .models import Notification

NOTIFICATIONS_PER_PAGE = 30


@login_required
def notification_list(request):
    # A page number that is not a number or out of range shows the first or last page.
    notifications = Notification.objects.for_recipient(request.user).prefetch_related("subject")
    paginator = Paginator(notifications, NOTIFICATIONS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/notification_list.html",
        {
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        },
    )


@login_required
def open_notification(request, pk: int):
    # Someone else's notification is a 404, not a 403: its existence is not theirs to know.
    notification = get_object_or_404(Notification.objects.for_recipient(request.user), pk=pk)
    if notification.is_unread:
        services.mark_read(request.user, [notification.pk])
    # The url is written by the site, but a stored off-site address must never become a redirect.
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    ):
        return redirect(notification.url)
    return redirect("notifications")


@login_required
@require_POST
def mark_all_read(request):
    changed = services.mark_read(request.user)
    if changed:
        messages.success(
            request,
            f"{changed} notification{'s' if changed != 1 else ''} marked as read.",
        )
    return redirect("notifications")
