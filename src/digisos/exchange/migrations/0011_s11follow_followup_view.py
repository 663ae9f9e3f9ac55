# s11-follow: the parts of CaseState.view follow-up's person overview reads (case_state.followup_view) in a small
# column of their own, so that a person's 200 cases are not 200 detoasted page views and payment lists on every
# look. Filled from the stored page view and payments (the fold writes it from now on); `rebuild_case_state`
# gives the same. On PostgreSQL one UPDATE builds it from the JSON in the database: the Python loop below took
# longer than the whole statistics rebuild on the million-case bench database (each row's page view read into
# Python and written back), which would hold a deploy for most of an hour.

from django.db import migrations, models

CHUNK = 500


def _array(expression: str) -> str:
    # A part that is missing or JSON null in a view counts as empty, as `stored_view.get(...) or []` does.
    return f"CASE WHEN jsonb_typeof({expression}) = 'array' THEN {expression} ELSE '[]'::jsonb END"


def _day(expression: str) -> str:
    # `_iso_day`: the first ten characters when they are a YYYY-MM-DD day, else nothing.
    return f"CASE WHEN substr({expression}, 1, 10) ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$' THEN {expression} END"


# case_state.followup_view in SQL; tests/exchange/test_followup_view_migration.py holds the two equal.
# Only this module's constant fragments are put in: no input reaches the statement.
FILL_SQL = f"""
UPDATE exchange_casestate SET followup_view = jsonb_build_object(
  'requests', COALESCE((
    SELECT jsonb_agg(jsonb_build_object('document_type', t -> 'document_type', 'deadline', t -> 'deadline')
                     ORDER BY n)
    FROM jsonb_array_elements({_array("page_view -> 'tasks'")}) WITH ORDINALITY AS x(t, n)
    WHERE t -> 'from_caseworker' = 'true'::jsonb), '[]'::jsonb),
  'conditions', COALESCE((
    SELECT jsonb_agg(jsonb_build_object('title', c -> 'title', 'status', c -> 'status') ORDER BY n)
    FROM jsonb_array_elements({_array("page_view -> 'conditions'")}) WITH ORDINALITY AS x(c, n)), '[]'::jsonb),
  'letters', COALESCE((
    SELECT jsonb_agg(jsonb_build_object('title', l -> 'title') ORDER BY n)
    FROM jsonb_array_elements({_array("page_view -> 'letters'")}) WITH ORDINALITY AS x(l, n)
    WHERE jsonb_typeof(l -> 'title') = 'string' AND l ->> 'title' <> ''), '[]'::jsonb),
  'paid', COALESCE((
    SELECT jsonb_object_agg(month, total) FROM (
      SELECT substr(day, 1, 7) AS month, sum(COALESCE((p ->> 'amount')::float8, 0)) AS total
      FROM (
        SELECT p, COALESCE({_day("NULLIF(p ->> 'paid_date', '')")}, {_day("NULLIF(p ->> 'due_date', '')")}) AS day
        FROM jsonb_array_elements({_array("payments")}) AS y(p)
        WHERE p ->> 'status' = 'UTBETALT'
      ) AS dated
      WHERE day IS NOT NULL
      GROUP BY 1
    ) AS months), '{{}}'::jsonb)
)
"""  # noqa: S608


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_SQL)
        return
    from digisos.exchange.case_state import followup_view

    CaseState = apps.get_model("exchange", "CaseState")
    last = None
    while True:
        rows = CaseState.objects.order_by("pk").only("pk", "page_view", "payments")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        chunk = list(rows[:CHUNK])
        if not chunk:
            return
        for row in chunk:
            row.followup_view = followup_view({**(row.page_view or {}), "payments": row.payments or []})
        CaseState.objects.bulk_update(chunk, ["followup_view"])
        last = chunk[-1].pk


class Migration(migrations.Migration):
    dependencies = [("exchange", "0010_s10b_scale_statistics_view")]

    operations = [
        migrations.AddField("casestate", "followup_view", models.JSONField(default=dict)),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
