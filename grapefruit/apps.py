from django.apps import AppConfig


class GrapefruitConfig(AppConfig):
    name = "grapefruit"
    verbose_name = "Grapefruit core"

    def ready(self) -> None:
        # Importing registers the system checks.
        from grapefruit import checks, encryption_checks  # noqa: F401
