from django.urls import path

from . import views

app_name = "onboarding"
urlpatterns = [
    path("", views.index, name="index"),
    path("invitasjon/<str:token>/", views.accept, name="accept"),
    path("oversikt/", views.summary, name="summary"),
    path("tavle/", views.board, name="board"),
    path("ny/", views.operator_start, name="operator-start"),
    path("<str:kommunenummer>/", views.detail, name="detail"),
    path("<str:kommunenummer>/start/", views.start, name="start"),
    path("<str:kommunenummer>/handling/", views.act, name="act"),
    path("<str:kommunenummer>/oppsett/", views.configure, name="configure"),
    path("<str:kommunenummer>/inviter/", views.invite, name="invite"),
    path("<str:kommunenummer>/fagsystem/", views.connect, name="connect"),
    path("<str:kommunenummer>/innboks/", views.choose_inbox, name="choose-inbox"),
    path("<str:kommunenummer>/oppstart/", views.book, name="book"),
    path("<str:kommunenummer>/nullpunkt/", views.baseline, name="baseline"),
    path("<str:kommunenummer>/steng/", views.close, name="close"),
    path("<str:kommunenummer>/tjenester/<str:key>/", views.other_service, name="service"),
    path("<str:kommunenummer>/tjenester/<str:key>/ny/", views.service_unit_add, name="service-unit-add"),
    path("<str:kommunenummer>/tjenester/<str:key>/<str:unit>/", views.service_unit, name="service-unit"),
    path(
        "<str:kommunenummer>/tjenester/<str:key>/<str:unit>/fjern/",
        views.service_unit_remove,
        name="service-unit-remove",
    ),
    path("<str:kommunenummer>/avtaler/<str:kind>/signer/", views.agreement_sign, name="agreement-sign"),
    path(
        "<str:kommunenummer>/avtaler/<str:kind>/<str:variant>.pdf", views.agreement_pdf, name="agreement-pdf"
    ),
]
