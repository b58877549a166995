import functools

from .services import unread_count


def unread_notifications(request) -> dict:
    """The signed-in user's unread count for the header.

    A cached callable rather than a number: templates call it when they show it, so the COUNT
    runs at most once per response, only on pages that render it, and never for anonymous
    visitors. (A SimpleLazyObject would do the same but breaks filters such as pluralize.)
    """

    @functools.cache
    def count() -> int:
        user = getattr(request, "user", None)  # absent when a middleware failed early
        return unread_count(user) if user is not None else 0

    return {"unread_notification_count": count}
