"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grapefruit.settings")
application = get_wsgi_application()

from grapefruit.checks import refuse_to_start_on_errors  # noqa: E402 - needs the apps loaded above

refuse_to_start_on_errors()
