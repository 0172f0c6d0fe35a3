from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("messages/", views.outbox_page, name="outbox"),
    path("messages/<int:pk>/retry/", views.retry, name="retry_message"),
]
