from django.urls import path

from . import views

app_name = "followup"

urlpatterns = [
    path("", views.privacy, name="privacy"),
    path("hvem-har-sett/", views.my_lookups_page, name="my-lookups"),
]
