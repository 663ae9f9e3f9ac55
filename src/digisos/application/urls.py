from django.urls import path

from . import views

app_name = "application"
urlpatterns = [
    path("", views.start, name="start"),
    path("soknad/ny/", views.new, name="new"),
    path("soknad/<uuid:application_id>/steg/<slug:slug>/", views.step, name="step"),
    path("soknad/<uuid:application_id>/fortsett/", views.resume, name="resume"),
    path("soknad/<uuid:application_id>/last-opp/", views.upload, name="upload"),
    path("soknad/<uuid:application_id>/send/", views.send, name="send"),
    path("soknad/<uuid:application_id>/kvittering/", views.receipt, name="receipt"),
    path("soknad/<uuid:application_id>/slett/", views.delete, name="delete"),
]
