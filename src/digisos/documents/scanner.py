"""A small clamd client: INSTREAM over the Unix (or TCP) socket.

Our own ~50 lines rather than the `clamd` package (last release 2014): the protocol is tiny and we need
explicit time-outs and a clear difference between "infected" and "scanner unavailable", because an
unavailable scanner must refuse the upload (fail closed), never let it through.
"""

import socket
import struct
from dataclasses import dataclass

from django.conf import settings

CHUNK = 64 * 1024


class ScannerUnavailable(Exception):
    """clamd could not be reached or gave no usable answer. The upload must be refused."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""


def scan_bytes(data: bytes) -> ScanResult:
    try:
        with _connect() as conn:
            conn.sendall(b"zINSTREAM\0")
            view = memoryview(data)
            for start in range(0, len(data), CHUNK):
                chunk = view[start : start + CHUNK]
                conn.sendall(struct.pack("!L", len(chunk)) + chunk)
            conn.sendall(struct.pack("!L", 0))
            reply = _read_reply(conn)
    except OSError as error:
        raise ScannerUnavailable(str(error)) from error
    return _parse(reply)


def ping() -> bool:
    try:
        with _connect() as conn:
            conn.sendall(b"zPING\0")
            return _read_reply(conn) == "PONG"
    except (OSError, ScannerUnavailable):
        return False


def _connect() -> socket.socket:
    address: str = settings.CLAMD_ADDRESS
    timeout: float = settings.CLAMD_TIMEOUT_SECONDS
    if address.startswith("tcp://"):
        host, _, port = address.removeprefix("tcp://").rpartition(":")
        return socket.create_connection((host, int(port)), timeout=timeout)
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.settimeout(timeout)
    try:
        conn.connect(address)
    except OSError:
        conn.close()
        raise
    return conn


def _read_reply(conn: socket.socket) -> str:
    buffer = b""
    while not buffer.endswith(b"\0"):
        part = conn.recv(4096)
        if not part:
            break
        buffer += part
    return buffer.rstrip(b"\0").decode("utf-8", "replace").strip()


def _parse(reply: str) -> ScanResult:
    # "stream: OK", "stream: <Signature> FOUND", or "... ERROR" (e.g. size limit exceeded).
    if reply.endswith(" FOUND"):
        return ScanResult(clean=False, signature=reply.removeprefix("stream:").removesuffix("FOUND").strip())
    if reply.endswith(": OK"):
        return ScanResult(clean=True)
    raise ScannerUnavailable(f"unexpected clamd reply: {reply[:200]}")
