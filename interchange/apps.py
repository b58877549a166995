from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    """Cases leaving and entering the site: bundles, MIRC documents, citations, bulk imports."""

    name = "interchange"
    verbose_name = "Interchange"
