"""The child-welfare lists read what they show from an index, however many reports the offices have had.

`make bench-scale` (session 20, 125,000 reports collected long ago, their content deleted by retention) found:
- the case system's list, in the plan PostgreSQL makes once for any municipality (which it keeps after a
  connection's fifth list), walking the deliveries' primary key from the cursor and testing each delivery's
  office and status: 40 ms a list instead of 0.4, the list at 0.16 of the application list's throughput
  against 1.09 on the small database;
- the child-welfare inbox of Oslo reading all 49,343 of its offices' deliveries and their reports, 155 ms, to
  find none whose content was still kept.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from digisos.concerns import selectors
from digisos.concerns.models import ChildWelfareOffice, ConcernDelivery, ConcernReport
from tests.fixtures.personas import citizen
from tests.fixtures.plans import prepared_plan

pytestmark = pytest.mark.django_db

OFFICE_INDEX = ConcernDelivery._meta.indexes[0]


def _reports(office: ChildWelfareOffice, *, collected: int, waiting: int) -> None:
    """Reports to `office`, the waiting ones among the collected in id order (as they are sent); the collected
    ones past retention (content deleted), the waiting ones with their content.

    Each row is inserted as it ends up. CI once hung in this module. The old way then changed the rows with an
    UPDATE joined to the deliveries, planned from whatever the previous test left: a rolled-back ANALYZE keeps the
    table sizes it measured but not its column statistics, and autovacuum may or may not have run in between. So
    that statement's plan depended on timing."""
    reporter = citizen("familie-bergen")
    sent = datetime(2026, 1, 5, tzinfo=UTC)
    total = collected + waiting
    every = total // max(waiting, 1)
    waits = [number % every == every - 1 and number // every < waiting for number in range(total)]
    reports = ConcernReport.objects.bulk_create(
        ConcernReport(
            kind=ConcernReport.Kind.PRIVATE,
            status=ConcernReport.Status.SENT,
            reporter=reporter,
            municipality_id=office.municipality_id,
            office=office,
            sent_at=sent,
            content={"kommunenummer": office.municipality_id} if kept else None,
            content_deleted_at=None if kept else sent + timedelta(days=31),
        )
        for kept in waits
    )
    ConcernDelivery.objects.bulk_create(
        ConcernDelivery(
            report=report,
            office=office,
            channel=office.channel,
            status=ConcernDelivery.Status.AVAILABLE if kept else ConcernDelivery.Status.COLLECTED,
            available_at=sent + timedelta(seconds=30),
        )
        for report, kept in zip(reports, waits, strict=True)
    )


def test_the_list_reads_the_offices_index_in_the_plan_made_for_any_municipality(offices):
    """As the million has them (bench/scale.py CONCERN_PLAN), at a fiftieth: every active office's collected
    reports, one in a hundred waiting at Tromsø's case system, Bergen's own few. On the old statement the
    generic plan walked the primary key here too (estimated 47 against the custom plan's 241)."""
    assert OFFICE_INDEX.fields == ["office", "status", "id"]
    for office in ChildWelfareOffice.objects.filter(active=True):
        waiting = {"4601": 5, "5501": 200}.get(office.municipality_id, 0)
        _reports(office, collected=4000, waiting=waiting)
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE concerns_concerndelivery, concerns_concernreport, concerns_childwelfareoffice"
        )
    params = {"kommunenummer": "4601", "after": 0, "limit": 101}

    generic = prepared_plan(selectors._BEKYMRINGSMELDINGER_SQL, params, "force_generic_plan")

    assert OFFICE_INDEX.name in generic, generic
    assert "concerns_concerndelivery_pkey" not in generic, generic
    # And the list is the municipality's waiting reports in id order, as the index gives them, and its next page
    # from the cursor.
    waiting = list(
        ConcernDelivery.objects.filter(
            office__municipality_id="4601", status=ConcernDelivery.Status.AVAILABLE
        )
        .order_by("id")
        .values_list("id", flat=True)
    )
    assert len(waiting) == 5
    assert [row[0] for row in selectors.available_listing_json("4601", after=0, limit=101)] == waiting
    assert [row[0] for row in selectors.available_listing_json("4601", after=waiting[1], limit=2)] == waiting[
        2:4
    ]


def test_the_inbox_finds_the_reports_still_kept_from_their_own_index(offices):
    """Oslo's offices (inbox) with 4,000 reports each past retention and a few still kept: the inbox's query is
    driven by the index of kept reports, not by every delivery the offices ever had, in the plan made for its
    employee and in the one PostgreSQL keeps for any employee once the statement is prepared."""
    from django.contrib.auth.models import Group

    from digisos.accounts.models import User
    from digisos.concerns.selectors import STAFF_ROLE, InboxPosition, inbox_page

    oslo = ChildWelfareOffice.objects.filter(municipality_id="0301", active=True)
    for office in oslo:
        _reports(office, collected=4000, waiting=3)
    staff = User.objects.create(username="bv-oslo", kind=User.Kind.EMPLOYEE, municipality_id="0301")
    staff.groups.add(Group.objects.get_or_create(name=STAFF_ROLE)[0])
    for office in oslo:
        office.staff.create(username=staff.username)
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE concerns_concerndelivery, concerns_concernreport, concerns_childwelfareoffice"
        )

    shown = inbox_page(staff).rows

    # The new reports first (three an office), then the received ones, each newest first.
    new = [d for d in shown if d["status"] != "collected"]
    assert len(new) == 3 * oslo.count() and shown[: len(new)] == new
    assert [d["available_at"] for d in new] == sorted((d["available_at"] for d in new), reverse=True)
    position = InboxPosition(False, shown[1]["available_at"], shown[1]["id"])
    statements = [
        selectors._NEW_PAGE.sql(staff.username),
        selectors._NEW_PAGE_AFTER.sql(staff.username, position.available_at, position.id),
        selectors._RECEIVED_PAGE.sql(staff.username),
        selectors._RECEIVED_PAGE_AFTER.sql(staff.username, position.available_at, position.id),
    ]
    for sql, params in statements:
        for mode in ("force_custom_plan", "force_generic_plan"):
            plan = prepared_plan(sql, params, mode)
            assert "concerns_report_kept" in plan, plan
            assert "concerns_concerndelivery_office_id" not in plan, plan
