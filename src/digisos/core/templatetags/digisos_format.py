"""`{% load digisos_format %}`: the format helpers of core/formatting.py as filters, per the page's language.

{{ application.sent_at|day_and_time }}  {{ amount|amount }}  {{ person.citizenship|country }}
{{ registers.mobile|phone }}  {{ registers.account|account }}  {{ child.birth_date|day }}
"""

from django import template
from django.conf import settings

from digisos.core import formatting

register = template.Library()

for _name, _helper in formatting.HELPERS.items():
    register.filter(_name, _helper)


@register.simple_tag
def own_language_names() -> list[tuple[str, str]]:
    """The site's languages, each named in itself ("English", "Norsk bokmål", "Norsk nynorsk") whatever the
    page's language: Django's get_available_languages translates them ("Engelsk" on a Norwegian page), and
    a person looking for their language looks for its own name."""
    return [(code, str(name)) for code, name in settings.LANGUAGES]
