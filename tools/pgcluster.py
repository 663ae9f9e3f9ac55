"""A throwaway PostgreSQL cluster from the machine's own binaries, via pytest-postgresql's executor.

Used by the test suite (tests/conftest.py) and the benchmarks. The data directory lives in a fresh
temporary directory owned by the user pg_ctl runs as, and is removed on stop. Given a `directory`, the cluster
lives there instead and stays after stop: a new one is made if the directory has none, else the one there is
started again (bench/scale.py keeps its seeded million this way, to re-measure without seeding again).
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


def _keep_directory() -> None:
    pass


class ThrowawayPostgres:
    def __init__(self, dbname: str = "digisos", directory: Path | None = None) -> None:
        self.dbname = dbname
        self.port = _free_port()
        self.kept = directory is not None
        if directory is None:
            self.tmpdir = Path(tempfile.mkdtemp(prefix="digisos-pg-"))
        else:
            self.tmpdir = Path(directory).resolve()
            self.tmpdir.mkdir(parents=True, exist_ok=True)
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
        # A kept cluster that exists already is started as it is (the executor would otherwise remove it and
        # run initdb again).
        self.existing = self.kept and (self.tmpdir / "data" / "PG_VERSION").exists()
        if self.existing:
            self.executor._directory_initialised = True
        if self.kept:
            # The executor removes its data directory when it is garbage-collected; a kept one stays.
            self.executor.clean_directory = _keep_directory

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
            if not self.kept:
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
