"""The step pages' inputs are rendered from Django's Jinja2 widget templates, not through the Django template
language (each widget cost three template renders there), and they are the same HTML Django would write."""

import re

import pytest
from django.forms.renderers import DjangoTemplates

from digisos.application import forms as step_forms
from digisos.application import services, steps
from digisos.application.requirements import Requirement
from tests.fixtures.personas import citizen

pytestmark = pytest.mark.django_db

WIDGET_TEMPLATES = "django/forms/widgets/"


def _same_markup(html: str) -> str:
    # Django's Jinja2 and DTL templates differ only in whitespace between the tags of radio and checkbox lists,
    # which HTML does not show, and in how a quote is escaped (MarkupSafe's &#34; and &#39;, Django's &quot; and
    # &#x27;); everything else, escaping included, must be the same.
    html = html.replace("&#34;", "&quot;").replace("&#39;", "&#x27;")
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html))


# Filled with values that need escaping, and with ones each field refuses, so that errors show too.
AWKWARD = {
    "hva": 'Mat & "husleie" <nå>',
    "hvorfor": "Linje 1\nLinje 2 & <3>",
    "telefon": "abc<",
    "antall_personer": "-1",
    "annen_adresse_postnummer": "12",
    "barn_fodselsdato": "2020-13-45",
}


def test_the_step_pages_render_no_django_widget_template_for_their_inputs(client, reference_data):
    user = citizen("kari-leier-oslo")
    client.force_login(user)
    application = services.start_application(user=user)
    for step in steps.steps_of(application.is_short):
        if step.form is None:
            continue
        response = client.get(f"/soknad/{application.id}/steg/{step.slug}/")
        assert response.status_code == 200
        used = [t.name for t in response.templates if t.name and t.name.startswith(WIDGET_TEMPLATES)]
        assert used == [], (step.slug, used)


def _forms(registers: dict) -> list:
    made = []
    for form_class in {s.form for s in [*steps.steps_of(False), *steps.steps_of(True)] if s.form}:
        kwargs = {"answers": {}, "registers": registers}
        if form_class is step_forms.PersonaliaForm:
            kwargs["offices"] = [("0315", 'Grünerløkka & "Sofienberg"')]
        made.append(form_class(**kwargs))
        made.append(form_class(AWKWARD, **kwargs))
    requirements = [
        Requirement("husleie", "husleiekontrakt", "Husleie"),
        Requirement("lonnslipp", "arbeid", "Lønnsslipp", amount="brutto_netto"),
    ]
    answers = {
        "dokumentasjon": {"husleie|husleiekontrakt": {"belop": {"belop": 9000}, "levert_tidligere": True}}
    }
    made.append(steps.DokumentasjonForm(requirements=requirements, answers=answers))
    data = {"r0_belop": "x<", "r1_brutto": "-5", "r0_levert": "on"}
    made.append(steps.DokumentasjonForm(data, requirements=requirements, answers={}))
    return made


def test_every_step_field_is_the_html_django_would_write(reference_data):
    user = citizen("kari-leier-oslo")
    application = services.start_application(user=user)
    django_renderer = DjangoTemplates()
    for form in _forms(application.registers):
        form.is_bound and form.is_valid()
        for field in form:
            ours = field.as_widget(attrs={"aria-describedby": "x-hint", "aria-invalid": "true"})
            form.renderer = django_renderer
            theirs = field.as_widget(attrs={"aria-describedby": "x-hint", "aria-invalid": "true"})
            form.renderer = step_forms.STEP_RENDERER
            assert _same_markup(ours) == _same_markup(theirs), (type(form).__name__, field.name)


@pytest.mark.parametrize(
    ("step", "answers", "written"),
    [
        ("behov", {"hva": "Mat", "hvorfor": "", "nodhjelp": ["mat"]}, {"answers", "updated_at"}),
        (
            "personalia",
            {"adresse_valg": "folkeregistrert", "telefon": "912 34 567"},
            {"answers", "updated_at", "kommunenummer", "enhetsnummer", "office_name", "variant"},
        ),
        (
            "inntekt",
            {"skatt_samtykke": True, "bostotte": False, "bank": []},
            {"answers", "updated_at", "registers"},
        ),
    ],
)
def test_saving_a_step_writes_only_what_the_step_can_change(reference_data, step, answers, written):
    """Every step page posts a save: the register facts, soknad.json and the rest are not written back each
    time (a large JSON column in an UPDATE is stored again even when it is unchanged)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from digisos.application.models import Application

    application = services.start_application(user=citizen("kari-leier-oslo"))
    with CaptureQueriesContext(connection) as captured:
        services.save_step(application=application, step=step, answers=answers)
    updates = [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith('UPDATE "application_application"')
    ]
    assert len(updates) == 1, updates
    assigned = updates[0].split(" SET ", 1)[1].split(" WHERE ", 1)[0]
    columns = {part.split('"')[1] for part in assigned.split(", ") if part.startswith('"') and '" = ' in part}
    assert columns == written, columns
    assert Application.objects.get(pk=application.pk).answers[step] == answers
