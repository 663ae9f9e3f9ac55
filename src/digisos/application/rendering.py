"""The step pages' progress list, rendered by a Jinja2 fragment (application/jinja2/application/fragments/).

Every step page shows the nine steps, each a link to its step: through the Django template language that was
nine `{% url %}` tags and a loop of comparisons, about a fifth of the page's own rendering. The fragment gets
the links ready-made, each written from its step's URL reversed once per process (`step_url`)."""

import uuid
from typing import Any

from django.template import engines
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString

from digisos.core.jinja2 import translator

from . import steps

_SAMPLE = uuid.UUID(int=0)
# (script prefix, step slug) → the step's URL split around the application's id.
_STEP_URLS: dict[tuple[str, str], tuple[str, str]] = {}


def step_url(application_id: uuid.UUID, slug: str) -> str:
    """`reverse("application:step", args=[application_id, slug])`, the reverse done once per process and step:
    the URL of a sample id, split around it, with this application's id in between (a UUID needs no quoting)."""
    key = (get_script_prefix(), slug)
    parts = _STEP_URLS.get(key)
    if parts is None:
        prefix, found, suffix = reverse("application:step", args=[_SAMPLE, slug]).partition(str(_SAMPLE))
        if not found:
            raise ValueError(f"the step {slug!r}'s URL does not hold the application's id")
        parts = _STEP_URLS[key] = (prefix, suffix)
    prefix, suffix = parts
    return f"{prefix}{uuid.UUID(str(application_id))}{suffix}"


def progress(application: Any, current: steps.Step) -> SafeString:
    """The "Steg 3 av 9" heading and the list of steps, the current one marked and the others linked."""
    shown = steps.steps_of(application.is_short)
    template = engines["jinja2"].get_template("application/fragments/progress.html")
    return SafeString(
        template.render(
            {
                "_": translator(),
                "step": current,
                "number": shown.index(current) + 1,
                "total": len(shown),
                "links": [(s, step_url(application.id, s.slug)) for s in shown],
            }
        )
    )
