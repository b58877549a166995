from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Comments and moderation"

    def ready(self) -> None:
        # Comments and their moderation change what case pages show.
        from . import freshness_receivers

        freshness_receivers.connect()
