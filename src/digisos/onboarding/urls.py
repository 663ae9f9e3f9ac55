from django.urls import path

from . import views

app_name = "onboarding"
urlpatterns = [
    path("", views.index, name="index"),
    path("invitasjon/<str:token>/", views.accept, name="accept"),
    path("<str:kommunenummer>/", views.detail, name="detail"),
]
