"""The Jinja2 environment for the pages' hot fragments (DESIGN.md: "Jinja2 for hot page fragments").

Django's templates cost several microseconds per tag and variable; a history of hundreds of entries or a list
of fifty cases rendered that way spent most of the request in the template engine. Jinja2 compiles
templates to Python, so the fragments are written as templates and still render fast.

Texts are Django's gettext messages: the i18n extension calls Django's gettext and ngettext, so the active
language is the request's. `make messages` (Django's makemessages) reads these templates like Django
templates: it extracts `_("…")` when it is the start of a `{{ … }}` or anywhere in a one-line `{% … %}`,
so write every text as a literal `_("…")` there, one tag per line (a tag spanning lines is not read).
Plurals (ngettext) are not extracted from templates: pass a helper with the literal ngettext from Python.
"""

import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, gettext, ngettext
from jinja2 import Environment

from digisos.core import formatting

# (URLconf, script prefix, name) → the URL of a view without arguments: reversed once per process.
_FIXED_URLS: dict[tuple[Any, str, str], str] = {}


def _url_key(name: str) -> tuple[Any, str, str]:
    """What a reverse() of `name` depends on: the URLconf (the request's, as the handler sets it, else the
    settings', which tests may override) and the script prefix."""
    return (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), name)


def url(name: str, *args: Any) -> str:
    """`{{ url("documents:download", id) }}`: Django's reverse with positional arguments. The URL of a view
    without arguments is reversed once per process (per URLconf and script prefix, which is all it depends on):
    a page's fixed links cost a reverse() each on every request."""
    if args:
        return reverse(name, args=args)
    key = _url_key(name)
    found = _FIXED_URLS.get(key)
    if found is None:
        found = _FIXED_URLS[key] = reverse(name)
    return found


_SAMPLE = uuid.UUID(int=0)
# (URLconf, script prefix, name) → the URL of a sample UUID split around it, reversed once per process.
_UUID_URLS: dict[tuple[Any, str, str], tuple[str, str]] = {}


def uuid_url(name: str) -> Callable[[Any], str]:
    """`{% set case_url = uuid_url("innsyn:case") %}` … `{{ case_url(case.id) }}`: the URL of a view taking one
    UUID, reversed once per fragment rather than once per link (a list of fifty cases spent a tenth of its
    time in reverse()). The URL of a sample UUID is split around it (once per process) and each link puts its
    own in between; a UUID needs no quoting, and a value that is not one is refused as reverse() would."""
    key = _url_key(name)
    parts = _UUID_URLS.get(key)
    if parts is None:
        prefix, found, suffix = reverse(name, args=[_SAMPLE]).partition(str(_SAMPLE))
        if not found:
            raise ValueError(f"{name} does not take one UUID")
        parts = _UUID_URLS[key] = (prefix, suffix)
    prefix, suffix = parts

    def link(value: Any) -> str:
        return f"{prefix}{value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))}{suffix}"

    return link


_TRANSLATED: dict[tuple[str | None, str], str] = {}


def _gettext(message: str) -> str:
    """Django's gettext, remembered per language and message: a page's fragments translate some ninety fixed
    texts on every request, each a walk through the language's catalogues. The catalogues do not change while
    the process runs, so one walk per language and message is enough."""
    key = (get_language(), message)
    translated = _TRANSLATED.get(key)
    if translated is None:
        translated = _TRANSLATED[key] = gettext(message)
    return translated


_TRANSLATORS: dict[str | None, Callable[[str], str]] = {}


def translator() -> Callable[[str], str]:
    """The active language's gettext, to pass a fragment as its `_`: the environment's `_` asks Django which
    language is active at every text (a thread-local lookup, some seventy a page), this one was asked once, when
    the fragment's rendering began. Use it only while that language is active, as a fragment's render is."""
    language = get_language()
    translate = _TRANSLATORS.get(language)
    if translate is None:
        texts: dict[str, str] = {}

        def translate(message: str) -> str:
            translated = texts.get(message)
            if translated is None:
                translated = texts[message] = gettext(message)
            return translated

        _TRANSLATORS[language] = translate
    return translate


def environment(**options: Any) -> Environment:
    options.pop("autoescape", None)  # always on, whatever the settings say
    env = Environment(
        autoescape=True, extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True, **options
    )
    env.install_gettext_callables(_gettext, ngettext, newstyle=False)
    # `_("…")` straight to the remembered gettext: the extension's own `_` is an alias that looks `gettext` up
    # in the context and calls it through the context again, two calls for every text on a page.
    env.globals["_"] = _gettext
    env.globals["url"] = url
    env.globals["uuid_url"] = uuid_url
    # The format helpers (core/formatting.py), as functions and filters: `{{ amount(x) }}`, `{{ x|day }}`.
    env.globals.update(formatting.HELPERS)
    env.filters.update(formatting.HELPERS)
    return env
