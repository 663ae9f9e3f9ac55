"""The admin's AppConfig (INSTALLED_APPS' first entry): Django's admin without the autodiscovery at start-up.

Django's default AdminConfig imports every installed app's admin.py in its ready(): the ModelAdmins, their forms,
actions and widgets, and Django's own (auth's user and group admin with its forms), in every process that starts
Django, though only the web server shows the admin. Here they are imported by the two things that use them:

- the URLconf (digisos/urls.py calls admin.autodiscover() before it mounts admin.site.urls), loaded by every
  process that serves a page or reverses a URL;
- the admin's system checks (`manage.py check`, `check --deploy`, runserver, migrate, the test runner): the check
  discovers the modules first, so it checks every registered ModelAdmin whether or not the URLconf is loaded yet
  (Django runs the checks in no set order).

autodiscover() imports each module once; calling it again is free. tests/core/test_admin_discovery.py."""

from django.contrib.admin import autodiscover
from django.contrib.admin.apps import SimpleAdminConfig
from django.contrib.admin.checks import check_admin_app, check_dependencies
from django.core import checks


class AdminConfig(SimpleAdminConfig):
    def ready(self) -> None:
        checks.register(check_dependencies, checks.Tags.admin)
        checks.register(check_discovered_admin_app, checks.Tags.admin)


def check_discovered_admin_app(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Django's check of the registered ModelAdmins, after the admin modules are discovered."""
    autodiscover()
    return check_admin_app(app_configs, **kwargs)
