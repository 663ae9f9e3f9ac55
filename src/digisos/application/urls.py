from django.urls import path
from django.views.generic import TemplateView

app_name = "application"
# Temporary until registers and municipalities selectors land (lead switches to views.start).
urlpatterns = [path("", TemplateView.as_view(template_name="application/start_anonymous.html"), name="start")]
