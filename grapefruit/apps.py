from django.apps import AppConfig


class GrapefruitConfig(AppConfig):
    name = "grapefruit"
    verbose_name = "Grapefruit core"

    def ready(self) -> None:
        # Importing registers the system checks and the audit receivers of Django's auth and admin signals;
        # new PostgreSQL connections read timestamps with psycopg's C loader (grapefruit.postgres_timestamps).
        from grapefruit import auth_audit, checks, encryption_checks, postgres_timestamps  # noqa: F401

        postgres_timestamps.install()
