from django.urls import path

from . import views

app_name = "followup"

urlpatterns = [
    path("personvern/", views.privacy, name="privacy"),
    path("personvern/hvem-har-sett/", views.my_lookups_page, name="my-lookups"),
    path("oppfolging/", views.person_lookup, name="person-lookup"),
    path("oppfolging/arbeidskoer/", views.work_queues_page, name="work-queues"),
    path("oppfolging/arbeidskoer/<slug:slug>/", views.work_queue_page, name="work-queue"),
]
