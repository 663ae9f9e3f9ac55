"""HTML for the parts of innsyn pages that repeat many times (a case in the list, a payment row, a history
entry). Written in Python with format_html rather than template includes: a person with fifty cases or a
case with a year of payments would otherwise spend most of the request in the template engine. The texts are
the same gettext messages the templates use, so the three languages stay complete.

`_html` is format_html without its lazy-string checks: a case page formats a few hundred snippets, and
Django's per-argument wrappers cost more than the escaping itself. It escapes exactly like format_html
(anything with __html__ is kept, everything else goes through html.escape)."""

import html
from collections.abc import Callable, Collection, Iterable
from datetime import date, datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from digisos.exchange.soker.constants import (
    SENDT,
    SOKNADS_STATUSES,
    SaksStatus,
    SoknadsStatus,
    UtbetalingStatus,
    Utfall,
)
from digisos.exchange.soker.fold import Letter, Payment, Task, TimelineEntry
from digisos.exchange.soker.labels import STATUS_LABELS


def _escape(value: Any) -> str:
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _html(template: str, *args: Any) -> SafeString:
    return SafeString(template.format(*map(_escape, args)))


def _join(separator: str, template: str, rows: Iterable[tuple[Any, ...]]) -> SafeString:
    return SafeString(separator.join(template.format(*map(_escape, row)) for row in rows))


def _days() -> Callable[[date | datetime | None], str]:
    """A formatter of "24. desember 2026" in the active language (the template filter's "j. F Y", without its
    parser), with the month names and the time zone looked up once per page, not per date."""
    names, zone = _month_names(), timezone.get_current_timezone()

    def day(value: date | datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = value.astimezone(zone)
        return f"{value.day}. {names[value.month]} {value.year}"

    return day


_MONTH_NAMES: dict[str, dict[int, str]] = {}


def _month_names() -> dict[int, str]:
    # Month names per language, translated once rather than at every date on the page.
    language = get_language() or ""
    names = _MONTH_NAMES.get(language)
    if names is None:
        names = _MONTH_NAMES[language] = {number: str(name) for number, name in MONTHS.items()}
    return names


def status_text(status: str) -> str:
    if status == SENDT:
        return _("Sendt")
    return str(STATUS_LABELS[status]) if status in SOKNADS_STATUSES else status


def kroner(amount: float | int | None) -> str:
    value = amount or 0
    whole = float(value).is_integer()
    return number_format(
        int(value) if whole else value, decimal_pos=None if whole else 2, force_grouping=True
    )


def letter_link(letters: Collection[str], letter: Letter | None, label: str) -> SafeString:
    """A link to a letter stored with us, or its name and "sent by post" (a SvarUt letter we do not hold)."""
    return _LetterLinks(letters).link(letter, label)


class _LetterLinks:
    """Letter links for one page: the texts and the URL pattern looked up once, not per letter."""

    def __init__(self, letters: Collection[str]) -> None:
        self.letters = letters
        self.by_post, self.pdf = _("sendes i posten"), _("PDF")
        self.url = reverse("documents:download", args=["00000000-0000-0000-0000-000000000000"])

    def link(self, letter: Letter | None, label: str) -> SafeString:
        document_id = letter.document_id if letter is not None else None
        if not document_id or document_id not in self.letters:
            return _html('<span>{}</span> <span class="navds-detail">({})</span>', label, self.by_post)
        return _html(
            '<a class="navds-link" href="{}">{}<span class="visually-hidden"> ({})</span></a>',
            self.url.replace("00000000-0000-0000-0000-000000000000", document_id),
            label,
            self.pdf,
        )


def letter_list(shown: tuple[Letter, ...], letters: Collection[str]) -> SafeString:
    """Every letter of the case, newest last, each a link (or "sent by post")."""
    labels = {
        "vedtak": _("Vedtak"),
        "etterspurt": _("Vi trenger flere dokumenter"),
        "forelopig_svar": _("Brev om saksbehandlingstid"),
    }
    attachment = _("Vedlegg")
    links, day = _LetterLinks(letters), _days()
    return _join(
        "",
        '<li class="document-item">{} <span class="navds-detail">{}</span></li>',
        (
            (links.link(letter, labels.get(letter.kind) or letter.title or attachment), day(letter.at))
            for letter in shown
        ),
    )


def saker_list(saker: tuple[Any, ...], letters: Collection[str]) -> SafeString:
    """Each sak with its decisions and their letters, or why no status is shown."""
    links, day = _LetterLinks(letters), _days()
    outcomes = {outcome: str(STATUS_LABELS[outcome]) for outcome in Utfall}
    made, letter_label, default_title = _("Vedtak fattet"), _("Vedtaksbrev"), _("Økonomisk sosialhjelp")
    appeal = _(
        "Er du uenig i vedtaket? Du kan klage innen tre uker etter at du fikk det. Hvordan står i vedtaksbrevet."
    )
    in_progress = _("Under behandling")
    hidden = _("Vi kan ikke vise status for denne saken. Kontakt NAV-kontoret hvis du lurer på noe.")
    items = []
    for sak in saker:
        if sak.decisions:
            body = _join(
                "",
                '<p class="navds-body-short" data-testid="decision"><strong>{}</strong> · {} · {}</p>',
                (
                    (outcomes.get(d.outcome, made), day(d.at), links.link(d.letter, letter_label))
                    for d in sak.decisions
                ),
            ) + _html('<p class="navds-body-short">{}</p>', appeal)
        else:
            body = _html(
                '<p class="navds-body-short">{}</p>',
                in_progress if sak.status == SaksStatus.UNDER_BEHANDLING else hidden,
            )
        items.append(
            _html(
                '<li class="card stack"><h3 class="navds-heading navds-heading--small">{}</h3>{}</li>',
                sak.title or default_title,
                body,
            )
        )
    return SafeString("".join(items))


def requirement_items(conditions: tuple[Any, ...], requirements: tuple[Any, ...]) -> SafeString:
    condition, documentation, deadline = _("Vilkår"), _("Dokumentasjon"), _("frist %(deadline)s")
    day = _days()
    rows = [(c.title or condition, c.description, "") for c in conditions] + [
        (
            r.title or documentation,
            r.description,
            deadline % {"deadline": day(r.deadline)} if r.deadline else "",
        )
        for r in requirements
    ]
    return _join(
        "",
        '<li class="document-item"><span><strong>{}</strong>{}{}</span></li>',
        ((title, f": {text}" if text else "", f" · {due}" if due else "") for title, text, due in rows),
    )


def case_items(summaries: list[Any]) -> SafeString:
    """The cases of "Mine søknader", each a card."""
    cards = _CaseCards()
    return SafeString("".join(cards.card(summary) for summary in summaries))


class _CaseCards:
    """Case cards for one page: the texts, the URL pattern and the date formatter looked up once for all."""

    def __init__(self) -> None:
        self.texts = {
            "paper": _("Papirsøknad"),
            "status": _("Status:"),
            "hidden": _("Kommunen viser ikke status på nett. Du får svar i posten."),
            "application": _("Søknad %(reference)s"),
            "sent": _("sendt %(sent)s"),
            "deadline": _("Første frist: %(deadline)s."),
        }
        self.statuses = {status: status_text(status) for status in (SENDT, *SoknadsStatus)}
        self.url = reverse("innsyn:case", args=["00000000-0000-0000-0000-000000000000"])
        self.day = _days()
        self.to_send: dict[int, str] = {}

    def documents_to_send(self, count: int) -> str:
        if count not in self.to_send:
            self.to_send[count] = ngettext(
                "Du må sende %(count)s dokument.", "Du må sende %(count)s dokumenter.", count
            ) % {"count": count}
        return self.to_send[count]

    def card(self, summary: Any) -> str:
        texts, case = self.texts, summary.case
        application = case.application
        title = texts["application"] % {"reference": application.reference} if application else texts["paper"]
        where = summary.municipality_name
        if summary.office_name:
            where += f" · {summary.office_name}"
        if application and application.sent_at:
            where += " · " + texts["sent"] % {"sent": self.day(application.sent_at)}
        if summary.visibility.shows_case:
            status = summary.digest.status
            body = _html(
                '<p class="navds-body-short"><strong>{}</strong> {}</p>',
                texts["status"],
                self.statuses.get(status, status),
            )
            if summary.open_tasks:
                tasks = self.documents_to_send(summary.open_tasks)
                if summary.digest.next_deadline:
                    tasks += " " + texts["deadline"] % {"deadline": self.day(summary.digest.next_deadline)}
                body += _html('<p class="navds-body-short" data-testid="open-tasks">{}</p>', tasks)
        else:
            body = _html('<p class="navds-body-short">{}</p>', texts["hidden"])
        return _html(
            '<li class="card stack case-item"><h3 class="navds-heading navds-heading--small">'
            '<a class="navds-link" href="{}">{}</a></h3><p class="navds-body-short">{}</p>{}</li>',
            self.url.replace("00000000-0000-0000-0000-000000000000", str(case.id)),
            title,
            where,
            body,
        )


def payment_months(months: list[tuple[date | None, list[Payment]]]) -> SafeString:
    """A heading and a table per month: what was paid or is planned, how much, when and to whom."""
    texts = {
        "no_date": _("Uten dato"),
        "head": "".join(
            f'<th scope="col" class="navds-table__header-cell">{html.escape(label)}</th>'
            for label in (_("Gjelder"), _("Beløp"), _("Status"), _("Dato"), _("Til"))
        ),
    }
    rows, names = _PaymentRows(), _month_names()
    parts = []
    for month, payments in months:
        label = f"{names[month.month]} {month.year}" if month else texts["no_date"]
        parts.append(
            _html(
                '<h3 class="navds-heading navds-heading--small">{}</h3>'
                '<table class="navds-table navds-table--medium"><caption class="visually-hidden">{}</caption>'
                '<thead class="navds-table__header"><tr class="navds-table__row">{}</tr></thead>'
                '<tbody class="navds-table__body">{}</tbody></table>',
                label[:1].upper() + label[1:],
                label,
                SafeString(texts["head"]),
                rows.render(payments),
            )
        )
    return SafeString("\n".join(parts))


class _PaymentRows:
    """Payment rows for one page: the texts translated once."""

    def __init__(self) -> None:
        self.other, self.mine = _("En annen mottaker"), _("Deg")
        self.statuses = {
            status: str(STATUS_LABELS[status])
            for status in (UtbetalingStatus.UTBETALT, UtbetalingStatus.STOPPET)
        }
        self.planned = _("Planlagt")
        self.account, self.amount = _("Kontoen din %(account)s"), _("%(amount)s kr")
        self.day = _days()

    def recipient(self, payment: Payment) -> str:
        if payment.other_recipient:
            return payment.recipient or self.other
        return self.account % {"account": payment.account} if payment.account else self.mine

    def render(self, payments: list[Payment]) -> SafeString:
        return _join(
            "",
            '<tr class="navds-table__row" data-testid="payment"><td class="navds-table__data-cell">{}</td>'
            '<td class="navds-table__data-cell">{}</td><td class="navds-table__data-cell">{}</td>'
            '<td class="navds-table__data-cell">{}</td><td class="navds-table__data-cell">{}</td></tr>',
            (
                (
                    p.description or "–",
                    self.amount % {"amount": kroner(p.amount)},
                    self.statuses.get(p.status, self.planned),
                    self.day(p.paid_date or p.due_date) or "–",
                    self.recipient(p),
                )
                for p in payments
            ),
        )


def task_items(
    tasks: tuple[Task, ...],
    *,
    titles: dict[str, str],
    letters: Collection[str],
    sent: dict[str, datetime],
    send_url: str,
    csrf_token: str,
) -> SafeString:
    """Each document asked for: what, by when, the letter asking, whether it is sent, and an upload form
    (send_url empty when the municipality does not take documents now)."""
    texts = {
        "deadline": _("Frist:"),
        "later": _("Du sa i søknaden at du ville sende dette senere."),
        "letter": _("Brev om dokumentasjon"),
        "sent": _("Sendt %(sent)s"),
        "choose": _("Velg filer"),
        "send": _("Send dokumentene"),
    }
    links, day = _LetterLinks(letters), _days()
    items = []
    for task in tasks:
        if task.from_caseworker:
            title = task.document_type
        else:
            key = f"{task.document_type}|{task.extra_info}"
            title = _(titles[key]) if titles.get(key) else task.document_type
        parts = [_html('<h3 class="navds-heading navds-heading--small" id="task-{}">{}</h3>', task.id, title)]
        if task.from_caseworker and task.extra_info:
            parts.append(_html('<p class="navds-body-long">{}</p>', task.extra_info))
        if task.deadline:
            parts.append(
                _html(
                    '<p class="navds-body-short"><strong>{}</strong> {}</p>',
                    texts["deadline"],
                    day(task.deadline),
                )
            )
        elif not task.from_caseworker:
            parts.append(_html('<p class="navds-body-short">{}</p>', texts["later"]))
        if task.letter:
            parts.append(
                _html('<p class="navds-body-short">{}</p>', links.link(task.letter, texts["letter"]))
            )
        if task.id in sent:
            parts.append(
                _html(
                    '<p class="navds-body-short" data-testid="task-sent"><strong>{}</strong></p>',
                    texts["sent"] % {"sent": day(sent[task.id])},
                )
            )
        if send_url:
            parts.append(
                _html(
                    '<form method="post" action="{0}" enctype="multipart/form-data" class="stack">'
                    '<input type="hidden" name="csrfmiddlewaretoken" value="{1}">'
                    '<input type="hidden" name="oppgave" value="{2}">'
                    '<div class="navds-form-field"><label class="navds-form-field__label navds-label" '
                    'for="filer-{2}">{3}</label><input class="navds-text-field__input" type="file" '
                    'id="filer-{2}" name="filer" multiple aria-describedby="task-{2}"></div>'
                    '<button type="submit" class="navds-button navds-button--primary navds-button--medium">'
                    '<span class="navds-label">{4}</span></button></form>',
                    send_url,
                    csrf_token,
                    task.id,
                    texts["choose"],
                    texts["send"],
                )
            )
        items.append(
            _html('<li class="card stack" data-task="{}">{}</li>', task.id, SafeString("".join(parts)))
        )
    return SafeString("\n".join(items))


class _Timeline:
    """History entries for one page: every text translated once, not once per entry."""

    def __init__(self, letters: Collection[str], offices: dict[str, str]) -> None:
        self.links = _LetterLinks(letters)
        self.offices = offices
        self.day, self.zone = _days(), timezone.get_current_timezone()
        self.texts = {
            "sent_to": _("Søknaden ble sendt til %(office)s."),
            "sent": _("Søknaden ble sendt."),
            "forwarded_to": _("Søknaden er sendt videre til %(office)s."),
            "forwarded": _("Søknaden er sendt videre til et annet NAV-kontor."),
            "sak_titled": _("Saken «%(title)s» er under behandling."),
            "sak": _("En sak er under behandling."),
            "decision": _("Vedtak er fattet."),
            "see_decision": _("Se vedtaket"),
            "documents_requested": _("NAV-kontoret ber deg sende dokumenter."),
            "see_letter": _("Se brevet"),
            "documentation_requirement": _("Vedtaket stiller krav om dokumentasjon: %(title)s."),
            "status_mottatt": _("Søknaden er mottatt."),
            "status_under_behandling": _("Søknaden er under behandling."),
            "status_ferdigbehandlet": _("Søknaden er ferdig behandlet."),
            "status_behandles_ikke": _("Søknaden blir ikke behandlet."),
            "sak_status_hidden": _("Vi kan ikke vise status for en av sakene."),
            "documents_no_longer_requested": _("NAV-kontoret trenger ikke flere dokumenter fra deg."),
            "preliminary_answer": _("Du har fått brev om at saksbehandlingen tar lengre tid."),
        }

    def moment(self, value: datetime) -> str:
        local = value.astimezone(self.zone)
        return f"{self.day(local)} {local:%H.%M}"

    def entry(self, entry: TimelineEntry) -> SafeString | str:
        """The entry's text: plain text (escaped by the caller) or, with a letter link, safe HTML."""
        texts, kind = self.texts, entry.kind
        if kind in ("sent", "forwarded"):
            office = self.offices.get(entry.detail, "")
            return texts[f"{kind}_to"] % {"office": office} if office else texts[kind]
        if kind == "sak_in_progress":
            return texts["sak_titled"] % {"title": entry.detail} if entry.detail else texts["sak"]
        if kind == "decision":
            return _html("{} {}", texts["decision"], self.links.link(entry.letter, texts["see_decision"]))
        if kind == "documents_requested" and entry.letter:
            text = texts["documents_requested"]
            return _html("{} {}", text, self.links.link(entry.letter, texts["see_letter"]))
        if kind == "documentation_requirement":
            return texts[kind] % {"title": entry.detail}
        return texts.get(kind, "")


def timeline(entries: list[TimelineEntry], letters: Collection[str], offices: dict[str, str]) -> SafeString:
    texts = _Timeline(letters, offices)
    return _join(
        "\n",
        '<li><span class="navds-detail">{}</span> {}</li>',
        ((texts.moment(e.at), texts.entry(e)) for e in entries),
    )
