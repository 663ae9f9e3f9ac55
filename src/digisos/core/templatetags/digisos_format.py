"""`{% load digisos_format %}`: the format helpers of core/formatting.py as filters, per the page's language.

{{ application.sent_at|day_and_time }}  {{ amount|amount }}  {{ person.citizenship|country }}
{{ registers.mobile|phone }}  {{ registers.account|account }}  {{ child.birth_date|day }}
"""

from django import template

from digisos.core import formatting

register = template.Library()

for _name, _helper in formatting.HELPERS.items():
    register.filter(_name, _helper)
