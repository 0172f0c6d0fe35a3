from django.conf import settings

from accounts.roles import Role, roles_of


def site(request) -> dict:
    """The bureau's name and the user's roles, for the navigation."""
    roles = roles_of(request.user) if hasattr(request, "user") else set()
    return {
        "bureau_name": settings.BUREAU_NAME,
        "user_roles": roles,
        "is_administrator": Role.ADMINISTRATOR in roles,
        "is_petition_office": Role.PETITION_OFFICE in roles,
    }
