from django.apps import AppConfig


class GrapefruitConfig(AppConfig):
    name = "grapefruit"
    verbose_name = "Grapefruit core"

    def ready(self) -> None:
        # Importing registers the system checks and the audit receivers of Django's auth and admin signals.
        from grapefruit import auth_audit, checks, encryption_checks  # noqa: F401
