"""WSGI entry point for gunicorn: ``gunicorn config.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Refuse to serve (the worker fails to boot) when the database holds encrypted data under a
# key that is not configured; the message says which key to restore.
from petitions.keyring import verify_keys  # noqa: E402  (needs the apps loaded above)

verify_keys()
