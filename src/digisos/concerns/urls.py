from django.urls import path

from . import views

app_name = "concerns"

urlpatterns = [
    path("", views.start, name="start"),
    path("mine/", views.mine, name="mine"),
    path("<str:kommunenummer>/<str:kind>/", views.before_form, name="before"),
    path("melding/<uuid:report_id>/", views.fill, name="form"),
    path("melding/<uuid:report_id>/slett/", views.delete, name="delete"),
    path("melding/<uuid:report_id>/kvittering/", views.receipt, name="receipt"),
    path("melding/<uuid:report_id>/kopi.pdf", views.copy_pdf, name="copy"),
]
