"""The step forms' renderer: Django's own form and widget templates, in the Jinja2 versions Django ships.

A step page renders some ten widgets, and through the Django template language each went through three
templates (e.g. text.html, input.html, attrs.html): more time than the rest of the field and the page's layout
together. Django ships the same templates for Jinja2 (django/forms/jinja2/), compiled to Python once per
process, which write the same HTML at about 60% of the cost (measured on the personalia form: 2.2 → 1.4 ms).
Templates, not HTML written in Python: tests/application/test_step_widgets.py compares every field of every
step with what the Django-template renderer writes.
"""

from django.forms.renderers import Jinja2

STEP_RENDERER = Jinja2()
