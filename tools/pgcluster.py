"""A throwaway PostgreSQL cluster from the machine's own binaries, via pytest-postgresql's executor.

Used by the test suite (tests/conftest.py) and the benchmarks. The data directory lives in a fresh
temporary directory owned by the user pg_ctl runs as, and is removed on stop.
"""

import os
import pwd
import shutil
import socket
import tempfile
from pathlib import Path

from pytest_postgresql.executors.proc import PostgreSQLExecutor

PG_CTL = str(Path(__file__).resolve().parent / "pg_ctl_as_postgres")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayPostgres:
    def __init__(self, dbname: str = "digisos") -> None:
        self.dbname = dbname
        self.port = _free_port()
        self.tmpdir = Path(tempfile.mkdtemp(prefix="digisos-pg-"))
        if os.geteuid() == 0:
            postgres = pwd.getpwnam("postgres")
            os.chown(self.tmpdir, postgres.pw_uid, postgres.pw_gid)
        self.tmpdir.chmod(0o755)
        self.executor = PostgreSQLExecutor(
            executable=PG_CTL,
            host="127.0.0.1",
            port=self.port,
            datadir=str(self.tmpdir / "data"),
            unixsocketdir=str(self.tmpdir),
            logfile=str(self.tmpdir / "postgresql.log"),
            startparams="-w",
            dbname=dbname,
            user="postgres",
            # Throwaway data: durability off makes the suite faster.
            postgres_options="-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
        )

    def start(self) -> "ThrowawayPostgres":
        self.executor.start()
        self.executor.wait_for_postgres()
        return self

    def create_database(self) -> "ThrowawayPostgres":
        """Creates `dbname` (the tests let pytest-django create theirs; the benchmark needs its own)."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{self.dbname}"')
        return self

    def stop(self) -> None:
        try:
            self.executor.stop()
        finally:
            shutil.rmtree(self.tmpdir, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.dbname}"

    def django_settings(self) -> dict[str, object]:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": self.dbname,
            "USER": "postgres",
            "PASSWORD": "",
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
        }
