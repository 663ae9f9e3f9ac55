from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("prov-opplasting/", views.demo, name="demo"),
    path("mappe/<uuid:folder_id>/last-opp/", views.upload, name="upload"),
    path("<uuid:document_id>/", views.download, name="download"),
    path("<uuid:document_id>/slett/", views.delete, name="delete"),
]
