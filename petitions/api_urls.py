"""The hotline platforms' API, outside the staff pages: ``path("api/transfers/", include(...))``."""

from django.urls import path

from petitions.views import transfer_api

app_name = "transfer_api"

urlpatterns = [
    path("", transfer_api.post_order, name="post"),
    path("<str:number>/", transfer_api.order_reply, name="reply"),
]
