from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from accounts import health
from accounts.forms import SignInForm

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),  # for load balancers (no sign-in)
    path(
        "accounts/login/",
        login_not_required(
            auth_views.LoginView.as_view(
                redirect_authenticated_user=True, authentication_form=SignInForm
            )
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("cases/", include("petitions.urls")),
    path("work/", include("petitions.work_urls")),
    path("lookup/", include("petitions.lookup_urls")),
    path("appointments/", include("petitions.appointment_urls")),
    path("petition/", include("petitions.online_urls")),
    path("stats/", include("petitions.stats_urls")),
    path("api/transfers/", include("petitions.api_urls")),
    path("", include("schedules.urls")),
]
