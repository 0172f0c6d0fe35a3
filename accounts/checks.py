"""`manage.py check --deploy`: name every setting still on its development default."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

from accounts import sms, sms_mas

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


MAS_BACKEND = "accounts.sms_mas.MasBackend"


@register(deploy=True)
def text_message_backend(app_configs, **kwargs) -> list[Warning]:
    """Production must not print text messages to a console nobody reads, nor send them
    through a gateway that lacks its account."""
    backend = settings.SMS_BACKEND
    if backend in sms.DEVELOPMENT_BACKENDS:
        return [
            Warning(
                f"SMS_BACKEND is {backend}: text messages reach no phone.",
                hint=f"Unset SMS_BACKEND (the 云MAS gateway, {MAS_BACKEND}) and set SMS_MAS_URL, "
                "SMS_MAS_EC_NAME, SMS_MAS_AP_ID, SMS_MAS_SECRET_KEY and SMS_MAS_SIGN.",
                id="xinfang.W006",
            )
        ]
    missing = sms_mas.missing_settings() if backend == MAS_BACKEND else []
    if missing:
        return [
            Warning(
                f"Text messages cannot be sent: {', '.join(missing)} not set.",
                hint="The values are on the 云MAS platform (管理 → 接口管理 → 短信接入用户管理).",
                id="xinfang.W007",
            )
        ]
    return []
