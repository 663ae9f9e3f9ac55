from django.urls import path

from . import views

app_name = "inbox"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("koer/", views.queues, name="queues"),
    path("papirsoknader/", views.paper_counts, name="paper-counts"),
    path("sak/<uuid:case_id>/", views.case, name="case"),
    path("sak/<uuid:case_id>/mottatt/", views.mark_received, name="mark-received"),
    path("sak/<uuid:case_id>/status/", views.set_status, name="status"),
    path("sak/<uuid:case_id>/dokumentasjon/", views.request_documents, name="request-documents"),
    path("sak/<uuid:case_id>/vedtak/", views.record_decision, name="decision"),
    path("sak/<uuid:case_id>/utbetaling/", views.record_payment, name="payment"),
]
