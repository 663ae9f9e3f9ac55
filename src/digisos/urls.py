from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from digisos.concerns.api import api as concerns_api
from digisos.core import views as core_views
from digisos.exchange.api import api as exchange_api
from digisos.public_api import public_api

# The admin's modules (each app's admin.py): here, where the admin is served, not in every process that starts
# Django (digisos/core/admin_config.py).
admin.autodiscover()

handler400 = "digisos.core.views.bad_request"
handler403 = "digisos.core.views.permission_denied"
handler404 = "digisos.core.views.page_not_found"
handler500 = "digisos.core.views.server_error"

urlpatterns = [
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("internal/isalive", core_views.isalive, name="isalive"),
    path("internal/isready", core_views.isready, name="isready"),
    path("internal/metrics", core_views.metrics, name="metrics"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/public/v1/", public_api.urls),
    path("api/exchange/v1/", exchange_api.urls),
    path("api/barnevern/v1/", concerns_api.urls),
    path("innboks/", include("digisos.inbox.urls")),
    path("innsyn/", include("digisos.innsyn.urls")),
    path("", include("digisos.followup.urls")),
    path("bekymringsmelding/", include("digisos.concerns.urls")),
    path("admin/", admin.site.urls),
    path("auth/", include("digisos.accounts.urls")),
    path("kommuner/", include("digisos.municipalities.urls")),
    path("pakobling/", include("digisos.onboarding.urls")),
    path("veiviser/", include("digisos.guide.urls")),
    path("statistikk/", include("digisos.insights.urls")),
    path("dokumenter/", include("digisos.documents.urls")),
    path("", include("digisos.application.urls")),
]
