"""The agreements a municipality signs to take DigiSos in use (services-onboarding-statistics.md §B.1), and
their PDFs with the municipality's name and organisation number. The texts are bokmål: the agreements are
legal documents between Norwegian public bodies, signed in one language."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Onboarding


@dataclass(frozen=True)
class AgreementKind:
    key: str
    label: Promise
    title: str
    issuer: str
    counterpart: str
    body: tuple[str, ...]


KS = "KS (Kommunesektorens organisasjon), organisasjonsnummer 971032146"
NAV = "Arbeids- og velferdsdirektoratet, organisasjonsnummer 889640782"

KINDS: dict[str, AgreementKind] = {
    kind.key: kind
    for kind in (
        AgreementKind(
            "ks_service_agreement",
            _("KS: tjenestevedlegg for Digisos"),
            "Tjenestevedlegg for Digisos",
            "Vedlegg til Avtale om løpende tjenestekjøp over internett (KS)",
            KS,
            (
                "Kommunen tar i bruk Fiks Digisos for å ta imot digitale søknader om økonomisk sosialhjelp og "
                "for å gi søkerne innsyn i saken sin.",
                "Kommunen konfigurerer tjenesten i Fiks Konfigurasjon og oppgir minst én fagansvarlig og én "
                "teknisk ansvarlig. I et vertskommunesamarbeid signerer og konfigurerer hver kommune for seg.",
            ),
        ),
        AgreementKind(
            "nav_cooperation_agreement",
            _("Nav: samarbeidsavtale om digitale tjenester"),
            "Samarbeidsavtale om digitale tjenester for de kommunale sosiale tjenestene",
            "Arbeids- og velferdsdirektoratet",
            NAV,
            (
                "Partene samarbeider om digital søknad, ettersendelse og innsyn i saker om økonomisk "
                "sosialhjelp etter lov om sosiale tjenester i Nav.",
                "Databehandleravtalen er en del av denne avtalen.",
            ),
        ),
        AgreementKind(
            "nav_data_processing",
            _("Nav: databehandleravtale"),
            "Databehandleravtale",
            "Del av samarbeidsavtalen med Arbeids- og velferdsdirektoratet",
            NAV,
            (
                "Kommunen er behandlingsansvarlig for personopplysningene i søknadene. Arbeids- og "
                "velferdsdirektoratet er databehandler og behandler opplysningene bare etter kommunens "
                "instruks og for å levere de digitale tjenestene.",
                "Databehandleren sikrer opplysningene, fører logg over tilgang og varsler kommunen uten "
                "ugrunnet opphold ved brudd på personopplysningssikkerheten.",
            ),
        ),
        AgreementKind(
            "nks_access",
            _("Nav: avtale om innsynsflate for NKS"),
            "Avtale for tilgjengeliggjøring av sentrale stønadsopplysninger til innsynsflate NKS",
            "Arbeids- og velferdsdirektoratet",
            NAV,
            (
                "Nav Kontaktsenter (NKS) kan se søknader og sentrale stønadsopplysninger når søkeren "
                "kontakter Nav, også når søkeren ikke er logget inn.",
                "Kommunen slår på tilgangen for NKS i oppsettet for digital søknad.",
            ),
        ),
    )
}


def render_agreement(onboarding: Onboarding, kind: str) -> bytes:
    """The unsigned agreement as a PDF with the municipality's name and organisation number."""
    agreement = KINDS[kind]
    with translation.override("nb"):
        html = render_to_string(
            "onboarding/pdf/agreement.html",
            {
                "title": agreement.title,
                "issuer": agreement.issuer,
                "counterpart": agreement.counterpart,
                "body": agreement.body,
                "municipality": onboarding.municipality.name,
                "organisation_number": onboarding.organisation_number,
                "prepared": timezone.localdate(),
            },
        )
        # WeasyPrint (and its fonts) loads on the first PDF, not when Django starts.
        from weasyprint import HTML

        return HTML(string=html).write_pdf(pdf_variant="pdf/a-2b")
