"""No input makes a 500: every page of the site, as each kind of user, given values no form offers.

Each page is requested as the anonymous visitor, a citizen (with a draft application, a case asked for documents
and a concern report being written), a municipal caseworker, a NAV veileder, a child-welfare caseworker and an
operator, with its real ids in the path. Then each page gets hostile values: in every field its own HTML names
(posted and as query parameters), in every text parameter of its path, and as raw bodies that are not
form-encoded UTF-8. Any answer is fine (the page with an error, a redirect, 400, 403, 404, the login's 502 when
ID-porten is down) except an unhandled exception.

It found three 500s: a NUL in /statistikk/?kommune= and /bekymringsmelding/?kommune= (looked up as typed), a
NUL in a municipality's number in the path (/kommuner/%00/, /pakobling/%00/), and a NUL in any field of the
concern report (its draft keeps what was typed, in JSON, which PostgreSQL cannot hold with a NUL).
"""

import re
import uuid
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from tests.factories import ApplicationFactory, CaseFactory
from tests.followup.conftest import employee
from tests.inbox.conftest import caseworker

from digisos.accounts.models import User
from digisos.concerns.models import ChildWelfareOffice, ConcernReport
from digisos.concerns.selectors import STAFF_ROLE
from digisos.concerns.services import apply_demo_child_welfare_offices, start_report
from digisos.documents.models import Document
from digisos.municipalities.models import Municipality
from digisos.onboarding import services as onboarding

pytestmark = pytest.mark.usefixtures("reference_data", "document_settings")

# Values no form offers: a NUL alone and inside a text, a number beyond any column, one beyond a float, digits
# of another script (str.isdigit() takes them), a day that does not exist, a text far over any field's length.
HOSTILE = ["\x00", "a\x00b", "9" * 40, "1e309", "\u0664\u0666\u0660\u0661", "2026-02-30", "x" * 20_000]
# In a path parameter: a NUL, another script's digits, a long segment.
HOSTILE_SEGMENTS = ["%00", "4601%00", "\u0664\u0666\u0660\u0661", "x" * 300]
# Bodies that are not form-encoded UTF-8: bytes that are no UTF-8, an escaped lone surrogate, only separators.
RAW_BODIES = [b"\xff\xfe=\xed\xa0\x80", b"a=%ED%A0%80&b=%FF&%00=%00", b"&&=&=="]
FORM = "application/x-www-form-urlencoded"
FIELD = re.compile(r'\bname="([^"]+)"')
# The query parameters of the page's own links (a list's next page, "show all"): read by views, in no form.
LINK_QUERY = re.compile(r'href="[^"?#]*\?([^"#]+)"')
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def _patterns(patterns: list, prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def site_pages() -> list[str]:
    """Every page's route (Django's admin and the JSON APIs excepted: the APIs have schemathesis and their
    own edge tests); a regular expression's named groups as text parameters."""
    routes = []
    for route in _patterns(get_resolver().url_patterns):
        if route.startswith(("admin/", "api/")):
            continue
        routes.append(REGEX_GROUP.sub(r"<str:\1>", route).replace("^", "").replace("$", ""))
    return routes


def concrete(route: str, ids: dict[str, object]) -> str:
    def fill(match: re.Match) -> str:
        converter, name = match.groups()
        if name in ids:
            return str(ids[name])
        return str(uuid.uuid4()) if converter == "uuid" else "x"

    return "/" + PARAMETER.sub(fill, route)


@pytest.fixture
def world(db) -> tuple[dict[str, User | None], dict[str, object]]:
    """The users and the ids their pages take."""
    case = CaseFactory(documents_requested=True)
    citizen = case.owner
    draft = ApplicationFactory(owner=citizen, upload=True)
    apply_demo_child_welfare_offices()
    report = start_report(
        user=citizen, kind=ConcernReport.Kind.PRIVATE, municipality=Municipality.objects.get(pk="0301")
    )
    staff = User.objects.create(username="bv-oslo", kind=User.Kind.EMPLOYEE, municipality_id="0301")
    staff.groups.add(Group.objects.get_or_create(name=STAFF_ROLE)[0])
    for office in ChildWelfareOffice.objects.filter(municipality_id="0301"):
        office.staff.create(username=staff.username)
    operator = User.objects.create(username="operator", kind=User.Kind.EMPLOYEE, is_staff=True)
    operator.groups.add(Group.objects.get_or_create(name="operator")[0])
    onboarding.start_onboarding(actor=operator, kommunenummer="4601", organisation_number="964338531")
    veileder = User.objects.get(pk=employee("vera", "veileder", kommunenummer="4601").user_id)
    users = {
        "anonymous": None,
        "citizen": citizen,
        "caseworker": caseworker("4601"),
        "veileder": veileder,
        "child-welfare": staff,
        "operator": operator,
    }
    ids = {
        "application_id": draft.pk,
        "case_id": case.pk,
        "folder_id": draft.folder_id,
        "document_id": Document.objects.filter(folder=draft.folder).values_list("pk", flat=True).first(),
        "report_id": report.pk,
        "kommunenummer": "4601",
        "kind": "privat",
        "slug": "behov",
    }
    return users, ids


def _answer(client: Client, failures: list, call: str, url: str, **kwargs) -> str:
    """The page's HTML (or "" when it is not a page), noting any unhandled exception or 500."""
    try:
        response = getattr(client, call)(url, **kwargs)
    except Exception as error:  # any exception is the finding
        failures.append((call, url, str(kwargs)[:80], f"{type(error).__name__}: {str(error)[:160]}"))
        return ""
    if response.status_code == 500:
        failures.append((call, url, str(kwargs)[:80], "500"))
    streaming = getattr(response, "streaming", False)
    return "" if streaming else response.content.decode(errors="replace")


@pytest.mark.django_db
def test_no_page_answers_hostile_input_with_a_server_error(world):
    users, ids = world
    routes = site_pages()
    failures: list[tuple] = []
    for who, user in users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        for route in routes:
            url = concrete(route, ids)
            page = _answer(client, failures, "get", url)
            linked = {
                pair.split("=")[0] for query in LINK_QUERY.findall(page) for pair in query.split("&amp;")
            }
            fields = (set(FIELD.findall(page)) | linked) - {"csrfmiddlewaretoken", ""}
            for value in HOSTILE:
                values = dict.fromkeys(fields, value)
                _answer(client, failures, "get", url, data=values)
                _answer(client, failures, "post", url, data=values)
            for body in RAW_BODIES:
                _answer(client, failures, "post", url, data=body, content_type=FORM)
            for name in PARAMETER.findall(route):
                if name[0] in ("uuid", "slug"):
                    continue
                for segment in HOSTILE_SEGMENTS:
                    _answer(client, failures, "get", concrete(route, {**ids, name[1]: segment}))
        assert not failures, f"as {who}: {failures[:10]}"


def test_every_page_kind_is_in_the_sweep():
    """The sweep's users cover the site: a route the sweep would only ever see as a 404 (an id it has no
    object for) is a route it does not test."""
    routes = site_pages()
    parameters = {name for route in routes for _converter, name in PARAMETER.findall(route)}
    known = {
        "application_id",
        "case_id",
        "folder_id",
        "document_id",
        "report_id",
        "kommunenummer",
        "kind",
        "slug",
    }
    # Parameters the sweep fills with a placeholder: their views look them up by value (a 404 is their answer
    # to an unknown one, and that lookup is what the hostile segments test).
    placeholders = {"token", "key", "unit", "variant", "role"}
    assert parameters <= known | placeholders, parameters - known - placeholders
