from django.urls import path

from . import views

urlpatterns = [
    path("", views.notification_list, name="notifications"),
    path("mark-all-read/", views.mark_all_read, name="notifications-mark-all-read"),
    path("<int:pk>/open/", views.open_notification, name="notification-open"),
]
