"""The whole stored view's column (CaseState.view) as the migrations before exchange/0019 read it.

0019 dropped the column (each part of the view is stored once); the tests of the migrations that filled the
parts from it add it back inside their own test transaction, which rolls it back with everything else."""

import json
import uuid
from typing import Any

from django.db import connection


def add_view_column() -> None:
    with connection.cursor() as cursor:
        # The test's rows' deferred foreign key checks first: a table with pending ones cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE exchange_casestate ADD COLUMN view jsonb NOT NULL DEFAULT '{}'::jsonb")


def store_view(case_id: uuid.UUID, view: dict[str, Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE exchange_casestate SET view = %s::jsonb WHERE case_id = %s", [json.dumps(view), case_id]
        )
