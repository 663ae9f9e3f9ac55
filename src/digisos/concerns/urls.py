from django.urls import path, re_path

from digisos.core.converters import KOMMUNENUMMER_PATTERN

from . import staff_views, views

app_name = "concerns"

urlpatterns = [
    path("", views.start, name="start"),
    path("mine/", views.mine, name="mine"),
    path("melding/<uuid:report_id>/", views.fill, name="form"),
    path("melding/<uuid:report_id>/slett/", views.delete, name="delete"),
    path("melding/<uuid:report_id>/kvittering/", views.receipt, name="receipt"),
    path("melding/<uuid:report_id>/kopi.pdf", views.copy_pdf, name="copy"),
    # The child-welfare inbox (employees with the child-welfare role, per office).
    path("innboks/", staff_views.inbox, name="staff-inbox"),
    path("innboks/<uuid:report_id>/", staff_views.report, name="staff-report"),
    path("innboks/<uuid:report_id>/fil/<str:role>/", staff_views.download, name="staff-download"),
    path("innboks/<uuid:report_id>/mottatt/", staff_views.mark_received, name="staff-received"),
    # KS's two addresses, one per kind of reporter (/privat, /offentlig), under the municipality.
    re_path(
        rf"^(?P<kommunenummer>{KOMMUNENUMMER_PATTERN})/(?P<kind>privat|offentlig)/$",
        views.before_form,
        name="before",
    ),
]
