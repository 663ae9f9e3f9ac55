from django.urls import path

from . import views

app_name = "onboarding"
urlpatterns = [
    path("", views.index, name="index"),
    path("invitasjon/<str:token>/", views.accept, name="accept"),
    path("oversikt/", views.summary, name="summary"),
    path("tavle/", views.board, name="board"),
    path("ny/", views.operator_start, name="operator-start"),
    path("<kommunenummer:kommunenummer>/", views.detail, name="detail"),
    path("<kommunenummer:kommunenummer>/start/", views.start, name="start"),
    path("<kommunenummer:kommunenummer>/handling/", views.act, name="act"),
    path("<kommunenummer:kommunenummer>/oppsett/", views.configure, name="configure"),
    path("<kommunenummer:kommunenummer>/inviter/", views.invite, name="invite"),
    path("<kommunenummer:kommunenummer>/fagsystem/", views.connect, name="connect"),
    path("<kommunenummer:kommunenummer>/innboks/", views.choose_inbox, name="choose-inbox"),
    path("<kommunenummer:kommunenummer>/oppstart/", views.book, name="book"),
    path("<kommunenummer:kommunenummer>/nullpunkt/", views.baseline, name="baseline"),
    path("<kommunenummer:kommunenummer>/steng/", views.close, name="close"),
    path("<kommunenummer:kommunenummer>/tjenester/<str:key>/", views.other_service, name="service"),
    path(
        "<kommunenummer:kommunenummer>/tjenester/<str:key>/ny/",
        views.service_unit_add,
        name="service-unit-add",
    ),
    path(
        "<kommunenummer:kommunenummer>/tjenester/<str:key>/<str:unit>/",
        views.service_unit,
        name="service-unit",
    ),
    path(
        "<kommunenummer:kommunenummer>/tjenester/<str:key>/<str:unit>/fjern/",
        views.service_unit_remove,
        name="service-unit-remove",
    ),
    path(
        "<kommunenummer:kommunenummer>/avtaler/<str:kind>/signer/",
        views.agreement_sign,
        name="agreement-sign",
    ),
    path(
        "<kommunenummer:kommunenummer>/avtaler/<str:kind>/<str:variant>.pdf",
        views.agreement_pdf,
        name="agreement-pdf",
    ),
]
