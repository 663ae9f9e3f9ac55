from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.citizen_login, name="citizen-login"),
    path("callback/", views.citizen_callback, name="citizen-callback"),
    path("logout/", views.logout_view, name="logout"),
    path("logget-ut/", views.logged_out, name="logged-out"),
    path("ansatt/login/", views.employee_login, name="employee-login"),
    path("ansatt/callback/", views.employee_callback, name="employee-callback"),
]
