"""The parts of innsyn pages that repeat many times (a case in the list, a payment row, a history entry),
rendered by the Jinja2 templates in innsyn/jinja2/innsyn/fragments/. Each page's content is one fragment
(case_page.html, mine_page.html) that includes the fragments of its lists, all sharing one context.

A person with fifty cases or a case with a year of payments would spend most of the request in Django's
template engine; Jinja2 compiles templates to Python. The per-page work is done once per fragment, not per
row: each template translates its texts once at its top, and the helpers passed in here (the date formatter
with its month names and time zone, the status labels) are built once per fragment."""

import hashlib
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.core.cache import caches
from django.http import HttpRequest
from django.template import engines
from django.template.backends.utils import csrf_input
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from markupsafe import Markup, escape

from digisos.core.formatting import formatters
from digisos.core.jinja2 import translator, url, uuid_url
from digisos.soker.constants import (
    SENDT,
    SOKNADS_STATUSES,
    SaksStatus,
    SoknadsStatus,
    UtbetalingStatus,
    Utfall,
)
from digisos.soker.labels import STATUS_LABELS, status_label, title_texts

# The case page's sections kept per process (settings CACHES["pages"]), an hour at most: a person looks at a
# case a few times between reports, and a new report changes the key.
SECTIONS_KEPT = 3600


def _render(request: HttpRequest | None, name: str, **context: Any) -> SafeString:
    """The fragment, autoescaped by Jinja2, its texts translated by the active language's `_` (looked up once
    for the fragment, not at each text)."""
    template = engines["jinja2"].get_template(f"innsyn/fragments/{name}.html")
    return SafeString(template.render({"_": translator(), **context}, request))


def _form_token(request: HttpRequest | None) -> str:
    """The CSRF field for the page's forms, made once: the backend's `csrf_input` is lazy and makes a newly
    masked token every time it is shown, some ms for a case with a few tasks to answer. One masked token for
    every form of the response protects as well (the masking is per response, against BREACH)."""
    return csrf_input(request) if request is not None else ""


def _days() -> Callable[[date | datetime | None], str]:
    """A formatter of "24. desember 2026" ("24 December 2026" in English) in the active language: the shared
    helpers' (core/formatting.py), with the time zone looked up once per page, not per date."""
    format_day, zone = formatters().day, timezone.get_current_timezone()

    def day(value: date | datetime | None) -> str:
        return format_day(value, zone)

    return day


# The application's statuses (SENDT before the case system has said MOTTATT); any other is shown as written.
_APPLICATION_STATUSES = frozenset({SENDT, *SOKNADS_STATUSES})


def status_text(status: str) -> str:
    return status_label(status) if status in _APPLICATION_STATUSES else status


def _documents_to_send() -> Callable[[int], str]:
    """ "Du må sende 3 dokumenter." per count, translated once per count on the page. In Python because
    makemessages does not extract plurals from Jinja2 templates."""
    texts: dict[int, str] = {}

    def documents_to_send(count: int) -> str:
        if count not in texts:
            texts[count] = ngettext(
                "Du må sende %(count)s dokument.", "Du må sende %(count)s dokumenter.", count
            ) % {"count": count}
        return texts[count]

    return documents_to_send


def _documents_sent() -> Callable[[str], str]:
    """ "Du sendte 2 dokumenter." for a history entry of documents sent from the case page (its detail: the
    number of files), translated once per count. In Python for the plural (see _documents_to_send)."""
    texts: dict[str, str] = {}

    def documents_sent(detail: str) -> str:
        if detail not in texts:
            count = int(detail or 0)
            texts[detail] = ngettext(
                "Du sendte %(count)s dokument.", "Du sendte %(count)s dokumenter.", count
            ) % {"count": count}
        return texts[detail]

    return documents_sent


def _letter_link(letters: frozenset[str]) -> Callable[[Any, str], Markup]:
    """`letter_link(letter, label)`: a letter stored with us is a link to its PDF; one we do not hold (sent by
    SvarUt) is its label and "sent by post". A function, not a Jinja2 macro: a year's case has some seventy
    letter links, and a macro call cost more than the rest of its row. `letters`: the stored letters' ids."""
    download_url = uuid_url("documents:download")  # a path with a UUID in it: nothing to escape
    pdf_text, by_post_text = escape(_("PDF")), escape(_("sendes i posten"))

    # f-strings with escape(), not Markup.format: its escaping formatter cost more than the rest of the page.
    def letter_link(letter: Any, label: str) -> Markup:
        if letter and letter.document_id and letter.document_id in letters:
            return Markup(  # noqa: S704 (every part put in is escaped: the label here, the texts above)
                f'<a class="aksel-link" href="{download_url(letter.document_id)}">{escape(label)}'
                f'<span class="visually-hidden"> ({pdf_text})</span></a>'
            )
        return Markup(f'<span>{escape(label)}</span> <span class="aksel-detail">({by_post_text})</span>')  # noqa: S704

    return letter_link


def mine_page(request: HttpRequest | None, overview: Any) -> SafeString:
    """ "Mine søknader" as one Jinja2 fragment (mine_page.html), whose lists include case_items.html with the
    helpers built here once for the page."""
    return _render(
        request,
        "mine_page",
        overview=overview,
        day=_days(),
        statuses={status: status_text(status) for status in (SENDT, *SoknadsStatus)},
        documents_to_send=_documents_to_send(),
    )


def case_page(request: HttpRequest | None, context: dict[str, Any]) -> SafeString:
    """The case page's content as one Jinja2 fragment (case_page.html), which includes the fragments of its
    lists: the page's context with the helpers they share, each built once for the page."""
    page, view = context["page"], context["view"]
    day, zone, formats = _days(), timezone.get_current_timezone(), formatters()

    def moment(value: datetime) -> str:
        return f"{formats.day(value, zone)} {formats.time(value, zone)}"

    def day_and_time(value: datetime) -> str:
        return formats.day_and_time(value, zone)

    history_count = context["history_count"]
    helpers = dict(
        # every form of the page (tasks.html's and the last section's) exists only with a send_url
        form_token=_form_token(request) if context["send_url"] else "",
        mine_url=url("innsyn:mine"),  # reversed once per process
        status_label=status_text(view.status),
        see_all_history=ngettext(
            "Se hele historikken (%(count)s hendelse)",
            "Se hele historikken (%(count)s hendelser)",
            history_count,
        )
        % {"count": history_count},
        day=day,
        moment=moment,
        day_and_time=day_and_time,
        letters=page.letters,
        letter_link=_letter_link(page.letters),
        ours=title_texts(),  # saker.html, timeline.html, tasks.html: our own titles in the page's language
        # tasks.html: `titles` are the bokmål titles of the application's own requirements (marked with
        # gettext_noop where they are defined, so they are in the catalogue), translated here once each.
        tasks=view.tasks,
        titles={key: _(title) for key, title in context["titles"].items() if title},
        sent=page.tasks_sent,
        # saker.html
        saker=view.saker,
        outcomes={outcome: str(STATUS_LABELS[outcome]) for outcome in Utfall},
        under_behandling=SaksStatus.UNDER_BEHANDLING,
        # payments.html
        # the month headings and the amounts as core writes them ("november 2026", "5 250 kr", "NOK 5,250")
        months=context["payments_by_month"],
        month_and_year=formats.month_and_year,
        amount=formats.amount,
        day_of_month=formats.day_of_month,
        statuses={
            status: str(STATUS_LABELS[status])
            for status in (UtbetalingStatus.UTBETALT, UtbetalingStatus.STOPPET)
        },
        # requirements.html, letters.html, timeline.html
        conditions=view.conditions,
        requirements=view.documentation_requirements,
        shown=view.letters,
        entries=context["timeline"],
        offices=page.offices,
        documents_sent=_documents_sent(),
    )
    everything = {**context, **helpers}
    sections = _case_sections(request, everything) if page.summary.visibility.shows_case else ""
    return _render(request, "case_page", **everything, sections=sections)


def _case_sections(request: HttpRequest | None, context: dict[str, Any]) -> SafeString:
    """The sections that follow from the stored case alone (case_sections.html), from the cache when this case
    was shown as it is now: they are most of the page's rendering, and the same on every view until the next
    report. Called only after the page's read found the case among the person's own, so only its owner gets
    it; the key holds everything the sections show (see _sections_key)."""
    key = _sections_key(context)
    if key is None:
        return _render(request, "case_sections", **context)
    kept = caches["pages"]
    sections = kept.get(key)
    if sections is None:
        sections = _render(request, "case_sections", **context)
        kept.set(key, str(sections), SECTIONS_KEPT)
        return sections
    return SafeString(sections)


def _sections_key(context: dict[str, Any]) -> str | None:
    """The case (its id), the report it is folded from (the stored document's hash: every report changes it),
    the language, the day (the payments shown are the last three months'), what the page shows (every payment
    or the history) and what the case's rows link to that is not in its document (its stored letters, the
    offices' names). None when there is no stored state to key it by."""
    page = context["page"]
    case = page.summary.case
    state = getattr(case, "state", None)
    if state is None or not state.source_sha256:
        return None
    # The documents sent from the page are in the history too (selectors.history_with_sent_documents).
    sent = [d.created_at.isoformat() for d in page.sent_documents]
    linked = hashlib.blake2b(
        repr((sorted(page.letters), sorted(page.offices.items()), sent)).encode(), digest_size=16
    ).hexdigest()
    shows = f"{int(context['all_payments'])}{int(context['all_history'])}"
    return (
        f"innsyn:case-sections:{case.pk}:{state.source_sha256}:{get_language()}:{timezone.localdate()}:"
        f"{shows}:{linked}"
    )
