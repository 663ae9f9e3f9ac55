from django.urls import path

from . import views

app_name = "municipalities"
urlpatterns = [
    path("", views.search, name="search"),
    path("<kommunenummer:kommunenummer>/", views.detail, name="detail"),
]
