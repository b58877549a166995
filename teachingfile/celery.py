import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teachingfile.settings")

app = Celery("teachingfile")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
