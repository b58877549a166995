from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    """Cases leaving and entering the site: bundles, MIRC documents, citations, bulk imports."""

    name = "interchange"
    verbose_name = "Interchange"

    def ready(self) -> None:
        # Imported once the models are loaded: the document builder reads them.
        from cases.document import cite_in_documents_with

        from .citations import vancouver

        cite_in_documents_with(vancouver)
