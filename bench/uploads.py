"""Upload memory benchmark: how much one web process grows for the largest uploads it must survive.

Starts gunicorn with one sync worker (production settings, the database, clamd and document key of the
caller's environment) and measures the worker's peak memory growth (VmHWM in /proc, reset before each upload
through /proc/<pid>/clear_refs) for:
- a 200 MB upload streamed to the documents upload view; the file must be refused as too large, and
- the worst images the pipeline accepts (largest pixel count of each kind at the limit); each must be
  accepted.

Run by bench/run.py (`make bench`). Standalone, `python bench/uploads.py` starts its own throwaway
PostgreSQL, clamd and key first.
"""

import http.client
import io
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src"), str(ROOT / "bench")]

UPLOAD_MB = 200
UPLOAD_TARGET_MB = 20
IMAGE_TARGET_MB = 300
PY = str(ROOT / ".venv" / "bin" / "python")


def worst_images(max_pixels: int) -> list[tuple[str, bytes]]:
    """The largest image of each kind the limit lets through. Opaque images may use the whole pixel budget,
    images with transparency half of it; the biggest square just below the box-reduction threshold (twice
    the page size) is the worst case for a direct resize."""
    from PIL import Image

    def png(mode: str, width: int, height: int) -> bytes:
        colour = (0, 128, 0, 128) if mode == "RGBA" else "white"
        out = io.BytesIO()
        Image.new(mode, (width, height), colour).save(out, format="PNG")
        return out.getvalue()

    def jpeg(width: int, height: int) -> bytes:
        out = io.BytesIO()
        exif = Image.Exif()
        exif[0x0112] = 6
        Image.new("RGB", (width, height), "white").save(out, format="JPEG", quality=90, exif=exif.tobytes())
        return out.getvalue()

    side = int(max_pixels**0.5)
    half = int((max_pixels // 2) ** 0.5)
    return [
        (f"rgb-{side}x{side}.png", png("RGB", side, side)),
        ("rgb-7015x7015.png", png("RGB", 7015, min(7015, max_pixels // 7015))),
        (f"rgba-{half}x{half}.png", png("RGBA", half, half)),
        (f"grey-{side}x{side}.png", png("L", side, side)),
        (f"grey16-{side}x{side}.png", png("I;16", side, side)),
        ("phone-8000x6000.jpg", jpeg(8000, 6000)),
        (f"jpeg-{side}x{side}.jpg", jpeg(side, side)),
    ]


def worker_pid(master: int) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


def memory_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for {pid}")


def reset_peak(pid: int) -> float:
    """Sets the peak (VmHWM) back to the current size and returns that size."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")
    return memory_mb(pid, "VmRSS")


class Uploader:
    def __init__(self, port: int, session: str) -> None:
        self.port = port
        self.csrf = secrets.token_hex(16)  # a CSRF secret of our own, sent as cookie and header
        self.cookie = f"digisos_session={session}; csrftoken={self.csrf}"

    def post(self, url: str, name: str, parts: Iterator[bytes], size: int) -> tuple[int, bytes]:
        boundary = "bench" + secrets.token_hex(8)
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()

        def body() -> Iterator[bytes]:
            yield head
            yield from parts
            yield tail

        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        connection.request(
            "POST",
            url,
            body=body(),
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Content-Length": str(len(head) + size + len(tail)),
                "Cookie": self.cookie,
                "X-CSRFToken": self.csrf,
                "Accept": "application/json",
            },
        )
        response = connection.getresponse()
        return response.status, response.read()


def streamed(total: int) -> Iterator[bytes]:
    """`total` bytes in 1 MB pieces, starting like a PDF; made as they are sent, never held whole."""
    block = os.urandom(1024 * 1024)
    yield b"%PDF-1.7\n"
    sent = 9
    while sent < total:
        piece = block[: min(len(block), total - sent)]
        sent += len(piece)
        yield piece


def measure(env: dict[str, str]) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.urls import reverse
    from run import _free_port, stop  # bench/run.py

    from application import session_for  # bench/application.py
    from digisos.accounts.models import User
    from digisos.documents import services
    from digisos.documents.models import Folder

    user, _ = User.objects.get_or_create(
        username="bench-uploader", defaults={"kind": User.Kind.CITIZEN, "pid": None}
    )

    def upload_url() -> str:
        folder = services.create_folder(owner=user, kind=Folder.Kind.DEMO)
        return reverse("documents:upload", args=[folder.id])

    port = _free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "digisos.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "600",
            "--log-level",
            "warning",
            "--chdir",
            str(ROOT / "src"),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        from run import wait_until_up

        wait_until_up(f"http://127.0.0.1:{port}/internal/isready")
        worker = worker_pid(server.pid)
        uploader = Uploader(port, session_for(user))
        # Warm up: the first upload of each kind loads Pillow, pikepdf and the key; that is not per request.
        from tests.documents import corpus

        for name, data in (
            ("varm.pdf", corpus.pdf()),
            ("varm.jpg", corpus.photo()),
            ("varm.png", corpus.png()),
        ):
            status, body = uploader.post(upload_url(), name, iter([data]), len(data))
            if status != 201:
                raise RuntimeError(f"warm-up {name}: {status} {body[:300]!r}")

        size = UPLOAD_MB * 1024 * 1024
        before = reset_peak(worker)
        status, body = uploader.post(upload_url(), "film.mp4", streamed(size), size)
        growth = memory_mb(worker, "VmHWM") - before
        if status != 400 or b'"too_large"' not in body:
            raise RuntimeError(
                f"the {UPLOAD_MB} MB upload was not refused as too large: {status} {body[:300]!r}"
            )

        figures = []
        for name, data in worst_images(settings.DOCUMENTS["MAX_IMAGE_PIXELS"]):
            before = reset_peak(worker)
            status, body = uploader.post(upload_url(), name, iter([data]), len(data))
            figures.append((name, len(data), memory_mb(worker, "VmHWM") - before))
            if status != 201:
                raise RuntimeError(f"{name} was not accepted: {status} {body[:300]!r}")
    finally:
        stop(server)

    from bench.summary import bench_line

    print("\n== Uploads: peak memory growth of one web process (gunicorn sync worker, VmHWM) ==")
    print(f"{UPLOAD_MB} MB file streamed to the upload view, refused as too large: {growth:.0f} MB")
    for name, length, grown in figures:
        print(f"accepted {name:<24} {length / 1024:>8.0f} KB  {grown:>5.0f} MB")
    worst = max(grown for _, _, grown in figures)
    print(bench_line(f"upload_{UPLOAD_MB}mb_peak_memory_growth", growth, "MB", "<", UPLOAD_TARGET_MB))
    print(bench_line("worst_image_peak_memory", worst, "MB", "<", IMAGE_TARGET_MB))
    return 0


def standalone() -> int:
    """Its own PostgreSQL, clamd and key, as bench/run.py sets them up."""
    from run import production_env, start_clamd_and_key
    from tools.pgcluster import ThrowawayPostgres

    cluster = ThrowawayPostgres(dbname="digisos_bench_uploads").start().create_database()
    workdir = tempfile.TemporaryDirectory()
    clamd, document_env = start_clamd_and_key(workdir.name)
    env = {**production_env(cluster.url), **document_env}
    try:
        subprocess.run(
            [PY, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return subprocess.run([PY, __file__, "measure"], cwd=ROOT, env=env, check=False).returncode
    finally:
        clamd.terminate()
        clamd.wait(timeout=10)
        workdir.cleanup()
        cluster.stop()


if __name__ == "__main__":
    if sys.argv[1:] == ["measure"]:
        sys.exit(measure(dict(os.environ)))
    sys.exit(standalone())
