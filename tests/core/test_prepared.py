"""PreparedQuery: compiled once, run with each call's values, rows as the ORM gives them."""

from unittest import mock

import pytest
from django.db.models.sql.compiler import SQLCompiler

from digisos.core.prepared import PreparedQuery
from digisos.municipalities.models import Municipality

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def _larger_in_county(county: str, population: int, limit: int):
    return (
        Municipality.objects.filter(county_id=county, population__gt=population, active=True)
        .order_by("kommunenummer")
        .values_list("kommunenummer", "name", "valid_from", "population")[:limit]
    )


def test_rows_equal_the_orms_for_every_value_and_the_sql_is_compiled_once_per_limit():
    prepared = PreparedQuery(_larger_in_county, bound=("county", "population"))
    counties = sorted(set(Municipality.objects.values_list("county_id", flat=True)))[:4]
    compiled = SQLCompiler.as_sql
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=compiled) as as_sql:
        for county in counties:
            for population in (0, 5_000, 50_000):
                expected = [list(row) for row in _larger_in_county(county, population, 5)]
                assert prepared.rows(county=county, population=population, limit=5) == expected
        calls = as_sql.call_count
        prepared.rows(county=counties[0], population=0, limit=5)
        assert as_sql.call_count == calls  # the prepared query itself compiles nothing more
        prepared.rows(county=counties[0], population=0, limit=2)
        assert as_sql.call_count == calls + 1  # a new limit is a new statement
    # Dates come back as dates (the column's converters run), not as the driver's raw values.
    first = prepared.rows(county=counties[0], population=0, limit=1)[0]
    assert first[2] == Municipality.objects.get(pk=first[0]).valid_from


def test_an_argument_that_does_not_reach_the_sql_as_given_is_refused():
    """A bound argument must be a parameter of the SQL as it was passed, or it could not be swapped in."""
    prepared = PreparedQuery(
        lambda county, name: Municipality.objects.filter(county_id=county).values_list("pk"),
        bound=("county", "name"),
    )
    with pytest.raises(ValueError, match="name"):
        prepared.rows(county="46", name="Bergen")
