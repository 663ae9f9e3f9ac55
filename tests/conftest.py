"""Test-wide fixtures: every test runs on a throwaway PostgreSQL, never SQLite."""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.pgcluster import ThrowawayPostgres

pytest_plugins = [
    "tests.fixtures.browser",
    "tests.fixtures.idporten",
    "tests.fixtures.documents",
    "tests.fixtures.exchange",
]


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[ThrowawayPostgres]:
    cluster = ThrowawayPostgres(dbname="digisos").start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(postgres_cluster: ThrowawayPostgres) -> None:
    from django.db import connections

    from digisos.settings.base import database_options

    # Django has already read DATABASES into its connection handler; change the live copy.
    db = connections.settings["default"]
    db.update(postgres_cluster.django_settings())
    db["OPTIONS"] = database_options(db["ENGINE"])  # as in production: prepared statements
    # A statement planned badly or waiting on a lock fails its test with the statement named, instead of
    # holding the suite until CI gives up on it. No test's statement needs a minute.
    db["OPTIONS"]["options"] = "-c statement_timeout=300s -c lock_timeout=120s"
    db["CONN_MAX_AGE"] = 0
    db["TEST"]["NAME"] = "test_digisos"
    # Drop the connection object made from the quick-start SQLite settings; the next access
    # builds a PostgreSQL one from the updated settings.
    connections["default"].close()
    del connections["default"]


@pytest.fixture(scope="session")
def reference_data(django_db_setup, django_db_blocker) -> None:
    """Municipalities, NAV offices and the demo service flags, loaded once into the test database.

    Only for non-transactional tests: a transactional (browser) test empties the tables afterwards, so it
    loads what it needs itself (pytest-django runs those last).
    """
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("load_municipalities", verbosity=0)
        call_command("load_demo_service_flags", verbosity=0)


@pytest.fixture
def municipalities_loaded() -> None:
    """For transactional (browser) tests: municipalities and demo flags in the live database."""
    from django.core.management import call_command

    call_command("load_municipalities", verbosity=0)
    call_command("load_demo_service_flags", verbosity=0)


@pytest.fixture(autouse=True)
def site_language() -> Iterator[None]:
    """Each test starts in the site's language. A request in English (a language cookie, an Accept-Language)
    leaves LocaleMiddleware's choice active in the thread after the response, and a later test that reads a
    message outside a request would read it in English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
