from django.urls import path
from django.views.generic import TemplateView

app_name = "accounts"
urlpatterns = [
    path("login/", TemplateView.as_view(template_name="base.html"), name="citizen-login"),
    path("logout/", TemplateView.as_view(template_name="base.html"), name="logout"),
]
