from django.urls import path

from . import views

app_name = "innsyn"

urlpatterns = [
    path("", views.my_applications, name="mine"),
    path("varsler/", views.notifications, name="notifications"),
    path("<uuid:case_id>/", views.case, name="case"),
    path("<uuid:case_id>/send/", views.send_documents, name="send"),
]
