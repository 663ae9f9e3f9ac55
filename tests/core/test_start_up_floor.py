"""bench/startup.py measures `manage.py help` against a floor: Django as our settings configure it without any
app of ours (bench/startup_floor_settings.py). The floor must be exactly that, nothing less (a floor missing an
app or the language we use would count Django's own cost as ours) and nothing of ours."""

import importlib.util
from pathlib import Path

from django.conf import settings

# Our admin's AppConfig is Django's SimpleAdminConfig with the admin modules discovered by the URLconf and the admin's
# checks instead of at start-up (core/admin_config.py): the floor has Django's SimpleAdminConfig in its place.
OURS_AS_DJANGO = {"digisos.core.admin_config.AdminConfig": "django.contrib.admin.apps.SimpleAdminConfig"}
FLOOR_FILE = Path(__file__).resolve().parents[2] / "bench" / "startup_floor_settings.py"


def _floor():
    spec = importlib.util.spec_from_file_location("startup_floor_settings", FLOOR_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _not_ours(names) -> list[str]:
    names = [OURS_AS_DJANGO.get(name, name) for name in names]
    return [name for name in names if not name.startswith("digisos")]


def test_our_admin_config_is_djangos_without_discovery_at_start_up():
    from django.contrib.admin.apps import SimpleAdminConfig

    from digisos.core.admin_config import AdminConfig

    assert issubclass(AdminConfig, SimpleAdminConfig)
    assert AdminConfig.name == "django.contrib.admin"


def test_the_floor_has_our_third_party_and_contrib_apps_middleware_and_language():
    floor = _floor()
    assert _not_ours(settings.INSTALLED_APPS) == floor.INSTALLED_APPS
    assert _not_ours(settings.MIDDLEWARE) == floor.MIDDLEWARE
    ours = next(t for t in settings.TEMPLATES if t["BACKEND"].endswith("DjangoTemplates"))
    assert floor.TEMPLATES[0]["OPTIONS"]["context_processors"] == _not_ours(
        ours["OPTIONS"]["context_processors"]
    )
    for name in ("LANGUAGE_CODE", "LANGUAGES", "USE_I18N", "TIME_ZONE", "USE_TZ"):
        assert getattr(floor, name) == getattr(settings, name), name


def test_the_floor_starts_with_our_garbage_collection_threshold():
    """bench/startup_floor_manage.py runs the floor with the start-up garbage collection of our manage.py
    (digisos/__init__.py), so that the floor and ours differ by our apps, modules and settings alone."""
    import digisos

    spec = importlib.util.spec_from_file_location(
        "startup_floor_manage", FLOOR_FILE.with_name("startup_floor_manage.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.START_UP_GC_THRESHOLD == digisos.START_UP_GC_THRESHOLD
