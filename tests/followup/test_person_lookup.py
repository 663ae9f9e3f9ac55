"""An employee opens a person: fødselsnummer and purpose in the POST body, the policy decides, every look is
audited, and a denied look shows nothing about the person."""

import re

import pytest
from django.urls import reverse

from digisos.accounts.models import User
from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE
from digisos.followup.models import AccessDecision
from digisos.followup.policy import NKS_ROLE
from tests.fixtures.personas import persona_pid

from .conftest import case_for, employee, nks_agreement

pytestmark = pytest.mark.django_db
URL = "/oppfolging/"
KARI = "kari-leier-oslo"


def login(client, username: str, role: str, kommunenummer: str | None = None):
    employee(username, role, kommunenummer=kommunenummer)
    client.force_login(User.objects.get(username=username))


def lookup(client, key: str, purpose: str = "casework"):
    return client.post(URL, {"fnr": persona_pid(key), "purpose": purpose})


def test_the_url_is_the_one_named(reference_data):
    assert reverse("followup:person-lookup") == URL


def test_logged_out_goes_to_the_employee_login_and_a_citizen_or_operator_is_refused(reference_data, client):
    assert client.get(URL).status_code == 302
    login(client, "ole", "operator")
    assert client.get(URL).status_code == 403


def test_a_caseworker_sees_the_persons_cases_in_their_municipality(reference_data, client):
    case_for(KARI, "0301")
    case_for(KARI, "4601")  # Bergen's case is not Oslo's to see
    login(client, "sara", MUNICIPAL_CASEWORKER_ROLE, "0301")

    response = lookup(client, KARI)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="case"') == 1
    assert "Oslo" in html and "Bergen" not in html
    # The number stays in the form the employee typed it into (a POST answer, never cached) and is masked in
    # the overview's heading.
    assert persona_pid(KARI) not in html.split('data-testid="overview"')[1]
    assert response["Cache-Control"].startswith("max-age=0")
    decision = AccessDecision.objects.get(data_kind__startswith="cases")
    assert (decision.outcome, decision.reason, decision.purpose) == ("PERMIT", "permitted", "casework")


def test_a_kode_6_person_is_invisible_and_the_refusal_does_not_say_why(reference_data, client):
    case_for("strengt-fortrolig", "0301")
    login(client, "sara", MUNICIPAL_CASEWORKER_ROLE, "0301")
    protected = lookup(client, "strengt-fortrolig").content.decode()
    unrelated = lookup(client, "familie-bergen").content.decode()  # no case in Oslo at all

    assert 'data-testid="overview"' not in protected and 'data-testid="case"' not in protected
    assert "Du har ikke tilgang til opplysninger om denne personen." in protected
    assert "fortrolig" not in protected.lower()
    # The same answer as for a person without a relation: the refusal never reveals the protection.
    assert protected.split('data-testid="denied"')[1] == unrelated.split('data-testid="denied"')[1]
    reasons = list(
        AccessDecision.objects.filter(data_kind__startswith="cases")
        .order_by("id")
        .values_list("outcome", "reason")
    )
    assert reasons == [("DENY", "strengt_fortrolig"), ("DENY", "no_relation")]


def test_a_look_without_purpose_is_refused_and_audited(reference_data, client):
    case_for(KARI, "0301")
    login(client, "sara", MUNICIPAL_CASEWORKER_ROLE, "0301")
    html = lookup(client, KARI, purpose="").content.decode()
    assert "Velg formålet med oppslaget." in html
    assert 'data-testid="case"' not in html
    assert AccessDecision.objects.get(data_kind__startswith="cases").reason == "no_purpose"


def _summary_and_field(html: str) -> tuple[str, str]:
    """The error summary at the top of the page, and the purpose field's fieldset."""
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    field = html.split('data-testid="lookup-form"')[1].split("</fieldset>")[0]
    return summary, field


def test_a_look_without_purpose_is_an_error_of_its_field_in_the_summary_as_on_every_form(
    reference_data, client
):
    """The refusal (audited) is said as every form says an error: in the summary at the top, which takes the
    focus (data-autofocus) and links to the field, and at the field itself; not as an alert after the button."""
    case_for(KARI, "0301")
    login(client, "sara", MUNICIPAL_CASEWORKER_ROLE, "0301")

    html = lookup(client, KARI, purpose="").content.decode()

    summary, field = _summary_and_field(html)
    assert re.search(r'<div class="aksel-error-summary"[^>]* id="error-summary"[^>]* data-autofocus>', html)
    assert html.index('id="error-summary"') < html.index('data-testid="lookup-form"')
    assert (
        '<a class="aksel-link" href="#id_purpose_0">Formål med oppslaget: Velg formålet med oppslaget.</a>'
        in (summary)
    )
    assert 'id="id_purpose-error">Velg formålet med oppslaget.</p>' in field
    assert 'data-testid="denied"' not in html
    assert "<title>Feil:" in html
    assert AccessDecision.objects.get(data_kind__startswith="cases").reason == "no_purpose"


def test_a_wrong_number_without_purpose_says_both_at_once_and_looks_up_nobody(reference_data, client):
    login(client, "sara", MUNICIPAL_CASEWORKER_ROLE, "0301")

    html = client.post(URL, {"fnr": "123", "purpose": ""}).content.decode()

    summary, field = _summary_and_field(html)
    assert summary.count("<li>") == 2
    assert "Fødselsnummeret er ikke gyldig" in summary and "Velg formålet med oppslaget." in summary
    assert 'id="id_purpose-error"' in field
    assert not AccessDecision.objects.exists()


def test_nks_is_refused_for_a_municipality_without_the_agreement_and_sees_the_slice_with_it(
    reference_data, client
):
    case_for(KARI, "0301")
    login(client, "nils", NKS_ROLE)
    refused = lookup(client, KARI, purpose="phone_call").content.decode()
    assert 'data-testid="case"' not in refused
    nks_agreement("0301", active=True)
    allowed = lookup(client, KARI, purpose="phone_call").content.decode()
    assert allowed.count('data-testid="case"') == 1
    assert list(
        AccessDecision.objects.filter(data_kind__startswith="cases")
        .order_by("id")
        .values_list("reason", flat=True)
    ) == [
        "nks_agreement_off",
        "permitted",
    ]


def test_an_invalid_number_is_a_form_error_and_no_lookup(reference_data, client):
    login(client, "sara", MUNICIPAL_CASEWORKER_ROLE, "0301")
    html = client.post(URL, {"fnr": "123", "purpose": "casework"}).content.decode()
    assert "Fødselsnummeret er ikke gyldig" in html
    assert not AccessDecision.objects.exists()


def test_the_number_is_never_taken_from_the_url(reference_data, client):
    case_for(KARI, "0301")
    login(client, "sara", MUNICIPAL_CASEWORKER_ROLE, "0301")
    html = client.get(URL, {"fnr": persona_pid(KARI), "purpose": "casework"}).content.decode()
    assert 'data-testid="case"' not in html
    assert not AccessDecision.objects.exists()
    assert 'method="post"' in html


def test_a_purpose_the_role_cannot_use_is_a_form_error_in_plain_norwegian(reference_data, client):
    case_for(KARI, "0301")
    login(client, "sara", MUNICIPAL_CASEWORKER_ROLE, "0301")
    html = lookup(client, KARI, purpose="phone_call").content.decode()
    assert "Velg et formål rollen din kan bruke." in html
    assert 'data-testid="case"' not in html


# The page's content as the Django template wrote it before it became followup/lookup_page.html (Jinja2): the
# form's fields by the accessible form tag, the error summary by inbox/_error_summary.html.
DJANGO_PAGE = """{% load i18n digisos_forms %}
<div class="page stack">
  <h1 class="aksel-heading aksel-heading--xlarge">{% translate "Slå opp en person" %}</h1>
  <p class="aksel-body-long">{% if is_nks %}{% translate "Bare når innbyggeren er i telefonen. Du ser søknader de siste 15 månedene i kommuner som har avtale med Nav Kontaktsenter." %}{% else %}{% translate "Du ser personens saker hos kontoret eller kommunen din. Oppslaget og formålet blir logget, og personen kan se at kontoret ditt har sett opplysningene." %}{% endif %}</p>
  {% if form.errors %}{% include "inbox/_error_summary.html" %}{% endif %}
  <form method="post" action="{% url 'followup:person-lookup' %}" class="stack" novalidate data-testid="lookup-form">{% csrf_token %}
    {% for field in form %}{% form_field field %}{% endfor %}
    <button type="submit" class="aksel-button" data-variant="primary"><span class="aksel-label">{% translate "Slå opp" %}</span></button>
  </form>
  {% if denied %}
  <div class="aksel-alert" data-color="warning" role="status" data-testid="denied"><div class="aksel-alert__wrapper aksel-body-long">{{ denied }}</div></div>
  {% endif %}
  {% if overview_html %}{{ overview_html }}{% endif %}
</div>
"""


def _same_characters(html: str) -> str:
    """The CSRF token (masked anew at each rendering) left out, and the one difference of spelling between
    Django's escaping and Jinja2's (`&#x27;` and `&quot;` against `&#39;` and `&#34;`: the same characters)."""
    import re

    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', html)
    return html.replace("&#x27;", "'").replace("&#39;", "'").replace("&quot;", '"').replace("&#34;", '"')


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
@pytest.mark.parametrize("role", [MUNICIPAL_CASEWORKER_ROLE, "veileder", NKS_ROLE])
@pytest.mark.parametrize(
    "posted",
    [
        None,  # the page as a GET shows it
        {"fnr": "", "purpose": ""},
        {"fnr": "123", "purpose": "casework"},
        {"fnr": "<\"a&b'>", "purpose": "phone_call"},
        {"fnr": "01010112345", "purpose": "nonsense"},
        {"fnr": "01010112345"},
    ],
)
def test_the_page_writes_its_form_as_the_accessible_form_tag_and_the_error_summary_do(
    rf, language, role, posted
):
    """followup/lookup_page.html (Jinja2, with the fields and the error summary rendered by the view): the same
    HTML as the Django template with `form_field` and inbox/_error_summary.html wrote."""
    from django.template import engines
    from django.utils import translation

    from digisos.followup.forms import PersonLookupForm
    from digisos.followup.views import _page_html

    request = rf.post(URL, posted) if posted is not None else rf.get(URL)
    with translation.override(language):
        form = PersonLookupForm(posted, role=role)
        form.is_valid()
        page = {"is_nks": role == NKS_ROLE, "denied": "Nei <takk>", "overview": None}
        ours = "\n" + _page_html(request, form, {**page, "form_token": "token"}) + "\n"
        django = engines["django"].from_string(DJANGO_PAGE).render({"form": form, **page}, request)

    assert _same_characters(ours) == _same_characters(django)


def test_the_pages_forms_share_one_csrf_token_that_a_post_passes_with(reference_data):
    """The lookup's form and base.html's (logout, language) carry the one token masked for the response."""
    import re

    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    login(client, "sara", MUNICIPAL_CASEWORKER_ROLE, "0301")
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(URL).content.decode())

    assert len(tokens) == 3 and len(set(tokens)) == 1
    assert (
        client.post(URL, {"fnr": "123", "purpose": "casework", "csrfmiddlewaretoken": tokens[0]}).status_code
        == 200
    )
    assert client.post(URL, {"fnr": "123", "purpose": "casework"}).status_code == 403


def test_a_look_reads_the_groups_and_the_relation_in_one_statement(reference_data, client):
    """The session, the user, the groups with the relation, the audit row and the overview: five statements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case_for(KARI, "0301")
    login(client, "sara", MUNICIPAL_CASEWORKER_ROLE, "0301")
    lookup(client, KARI)  # the statements' texts written once per process

    with CaptureQueriesContext(connection) as seen:
        html = lookup(client, KARI).content.decode()

    assert html.count('data-testid="case"') == 1
    assert len(seen) == 5
    assert sum("held.names" in query["sql"] for query in seen) == 1
    # A number typed with spaces is the same person (the form reads it so): still one statement for both.
    with CaptureQueriesContext(connection) as seen:
        spaced = persona_pid(KARI)[:6] + " " + persona_pid(KARI)[6:]
        html = client.post(URL, {"fnr": spaced, "purpose": "casework"}).content.decode()
    assert html.count('data-testid="case"') == 1
    assert len(seen) == 5
    reasons = AccessDecision.objects.filter(data_kind__startswith="cases").values_list("reason", flat=True)
    assert set(reasons) == {"permitted"}
