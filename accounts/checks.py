"""`manage.py check --deploy`: name every setting still on its development default."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

IDS = {
    "SECRET_KEY": 1,
    "PETITIONER_DATA_KEY": 2,
    "DATABASE_URL": 3,
    "ALLOWED_HOSTS": 4,
    "SITE_URL": 5,
}
HINTS = {
    "SECRET_KEY": "Set SECRET_KEY to a random string of 50+ characters.",
    "PETITIONER_DATA_KEY": (
        'Set PETITIONER_DATA_KEY (python -c "from petitions.crypto import generate_key; '
        'print(generate_key())") and keep a copy with every backup: without it no ID number '
        "can be read. To replace it, put the new key first (new,old) and run manage.py "
        "reencrypt (README, Keys)."
    ),
    "DATABASE_URL": "Set DATABASE_URL=postgres://user:password@host:5432/name.",
    "ALLOWED_HOSTS": "Set ALLOWED_HOSTS to the site's host names, comma-separated.",
    "SITE_URL": "Set SITE_URL to the address staff open (https://...): mails link to it.",
}


@register(Tags.security, deploy=True)
def production_variables(app_configs, **kwargs) -> list[Warning]:
    return [
        Warning(
            f"{name} is not set in the environment: a development default is in use.",
            hint=HINTS.get(name),
            id=f"xinfang.W{IDS.get(name, 0):03d}",
        )
        for name in getattr(settings, "UNSET_FOR_PRODUCTION", [])
    ]
