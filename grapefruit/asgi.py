"""ASGI entry point (unused by the default deployment, kept for ASGI servers)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grapefruit.settings")
application = get_asgi_application()
