from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Teaching cases"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import freshness_receivers
        from .filters import body_systems
        from .models import System

        # Whatever changes a case page or a list of cases makes new pages at once.
        freshness_receivers.connect()
        # The filters and lists keep the body systems in memory: read them again after a change.
        post_save.connect(body_systems.forget, sender=System, dispatch_uid="forget-systems")
        post_delete.connect(body_systems.forget, sender=System, dispatch_uid="forget-systems")
