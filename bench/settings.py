"""Settings for `python -m bench public`: the production settings plus a minimal view.

Only two things differ from ``config.settings``: the URLconf (``bench.urls`` adds the minimal
view to compare against) and plain static file names, so that the measurement does not need
``collectstatic`` first (the listing's HTML is what is measured, not the static files).
"""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

ROOT_URLCONF = "bench.urls"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
