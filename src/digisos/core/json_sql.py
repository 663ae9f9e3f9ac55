"""SQL snippets for JSON the database writes as the API's schemas would (pydantic), shared by the lists whose
items PostgreSQL writes (exchange.selectors._LEVERANSE_JSON_SQL, concerns.selectors._BEKYMRINGSMELDING_JSON_SQL).
"""


def utc_time_sql(column: str) -> str:
    """SQL writing the timestamptz `column` as text as pydantic writes an aware UTC time (and as
    `datetime.isoformat()` does with +00:00 as Z): seconds, microseconds only when there are any, then Z
    (2026-11-23T13:37:00Z, 2026-11-23T13:37:00.120000Z); NULL stays NULL (JSON null). `column` is SQL written
    by the caller (a qualified column name), never a value."""
    return (
        f"""replace(to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), '.000000Z', 'Z')"""
    )
