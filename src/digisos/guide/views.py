"""The guide: a form of a few questions and the answer page. Nothing about the person is kept.

The answers travel in a POST body, not the URL: a URL with income, household and "worried about a child"
would be kept in the browser's history, in proxies' and load balancers' access logs and in Referer headers.
The answer page is made from the request alone (no session, no database writes, no log line with the
answers) and says `Cache-Control: no-store` so that a shared computer's back button does not show it later.
It is exempt from CSRF on purpose: CSRF protects actions done in the person's name, and this view does
nothing but answer; checking it would also set a cookie for a person who only asks.
"""

import re
from collections.abc import Callable
from datetime import date
from functools import cache

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template import engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from digisos.core.formatting import formatters

from .forms import GuideForm, quick_answers
from .selectors import GuideAnswer
from .selectors import answer as answer_for

# The concern report for a child (issue 15, app `concerns`) is a higher-or-equal layer: linked by its path,
# not imported, so the guide works whether or not that app is installed.
CONCERN_REPORT_PATH = "/bekymringsmelding/"
NAV_PHONE = "55 55 33 33"


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "guide/start.html", {"form": GuideForm()})


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return redirect("guide:start")  # the answers are never in a URL, so there is nothing to show
    answers = quick_answers(request.POST)
    if answers is None:
        form = GuideForm(request.POST)
        if not form.is_valid():
            return render(request, "guide/start.html", {"form": form})
        answers = form.answers()
    result = answer_for(answers, timezone.localdate())
    translate = _translator()
    common = {
        "place": result.place,
        "concern_report_path": CONCERN_REPORT_PATH,
        "nav_phone": NAV_PHONE,
        "links": _links(),
        "_": translate,
        # The data file's texts (names, reasons, what to have ready): the same translation under another name,
        # since makemessages can only extract literal _("…") (they reach the catalogue through texts.py).
        "t": translate,
    }
    context = {**common, "result": result, "answers": answers, "amount": formatters().amount, "day": _day}
    context["cards"] = _cards(result, common)
    body = engines["jinja2"].get_template("guide/answer.html").render(context)
    return HttpResponse(_page(request, SafeString(body)))


# The site's layout (base.html) around the answer, rendered once per language for people who are not logged
# in, with the body and the CSRF token of the header's language form as markers: the layout alone cost about
# as much as the bare view's whole request. Only for the plain answer URL without messages waiting, so the
# layout's one per-request part is the token (set per request below) and the path in the language form is
# the answer's own. Logged-in people get it rendered each time (their name is in it).
_BODY = "\x00guide-body\x00"
_CSRF_MARK = "\x00guide-csrf\x00"
_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_shells: dict[str, str] = {}


def _page(request: HttpRequest, body: SafeString) -> str:
    if (
        request.user.is_authenticated
        or request.get_full_path() != _links()["answer"]
        or get_messages(request)
    ):
        return render_to_string("guide/answer.html", {"body": body}, request)
    language = get_language() or ""
    shell = _shells.get(language)
    if shell is None:
        html = render_to_string("guide/answer.html", {"body": SafeString(_BODY)}, request)
        shell = _shells[language] = _CSRF_INPUT.sub(rf"\g<1>{_CSRF_MARK}\g<2>", html)
    token = get_token(request)
    before, _, after = shell.partition(_BODY)
    return before.replace(_CSRF_MARK, token) + body + after.replace(_CSRF_MARK, token)


# Each service's card up to its door, rendered once per language, service, fit, reasons and place (the
# municipality's status and offices): all from the data file and the municipality, none of it from what a
# person entered (income and housing cost are in the rates section, rendered per request).
_card_cache: dict[tuple, SafeString] = {}
MAX_CACHED_CARDS = 4000


def _cards(result: GuideAnswer, common: dict) -> list[dict]:
    language = get_language() or ""
    place = result.place
    cards = []
    for match in result.matches:
        door_place = (place.status, place.offices) if place and match.service.door != "link" else None
        key = (language, match.service.id, match.fit, match.reasons, door_place)
        html = _card_cache.get(key)
        if html is None:
            template = engines["jinja2"].get_template("guide/card.html")
            html = SafeString(template.render({**common, "match": match}))
            if len(_card_cache) >= MAX_CACHED_CARDS:
                _card_cache.clear()
            _card_cache[key] = html
        cards.append({"html": html, "apply": match.service.door == "apply"})
    return cards


@cache
def _links() -> dict[str, str]:
    """The answer's links, reversed once per process (the body is Jinja2: the guide's hot path)."""
    return {
        "login": reverse("accounts:citizen-login"),
        "search": reverse("municipalities:search"),
        "start": reverse("guide:start"),
        "answer": reverse("guide:answer"),
        "municipality_prefix": reverse("municipalities:detail", args=["0000"]).removesuffix("0000/"),
    }


# Translations of the body's texts per language, looked up once per process: the body has some seventy texts,
# and gettext through Jinja2's call wrapper was a third of its time. The keys are the template's and the data
# file's msgids only (a fixed set), never anything a person entered.
_translations: dict[str, dict[str, str]] = {}


def _translator() -> Callable[[str], str]:
    table = _translations.setdefault(get_language() or "", {})

    def translate(msgid: str) -> str:
        text = table.get(msgid)
        if text is None:
            text = table[msgid] = gettext(msgid)
        return text

    return translate


def _day(value: date) -> str:
    """ "1. januar 2024", "1 January 2024" (core/formatting.py)."""
    return formatters().day(value)
