from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Teaching cases"

    def ready(self) -> None:
        # Whatever changes a case page or a list of cases makes new pages at once.
        from . import freshness_receivers

        freshness_receivers.connect()
