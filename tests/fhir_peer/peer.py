"""The FHIR peer for the tests: Medplum's router and in-memory repository (tests/fhir_peer/server.mjs).

Its npm packages are installed by ./dev before the tests start (``npm ci`` in tests/fhir_peer, stamped
with the lock file's hash); ``ensure_installed`` only checks them and names the command. The peer
runs on loopback; ``stop`` and ``start`` take it down and bring it back on the same port, and a with-block
does both.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest

from tests.peers import Peer
from tests.processes import free_port

HERE = Path(__file__).resolve().parent


def ensure_installed() -> None:
    """Fail with the command to run when the peer's npm packages are missing or older than the lock."""
    if not shutil.which("node"):
        pytest.fail("node is needed for the FHIR peer tests: ./dev test installs it (Debian's nodejs)")
    lock = HERE / "package-lock.json"
    stamp = HERE / "node_modules" / ".stafett-lock"
    want = hashlib.sha256(lock.read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text().strip() != want:
        pytest.fail(
            "the FHIR peer's npm packages are missing or older than its lock file: "
            "run ./dev test (or: cd tests/fhir_peer && npm ci)"
        )


class FhirPeer(Peer):
    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[str] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/fhir/R4"

    def start(self) -> None:
        """Start with an empty repository (the in-memory store does not survive a restart)."""
        self.process = subprocess.Popen(
            ["node", str(HERE / "server.mjs"), str(self.port)],
            cwd=HERE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line.startswith("listening"):
            self.stop()
            raise RuntimeError(f"the FHIR peer did not start: {line}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def get(self, path: str) -> dict:
        with urllib.request.urlopen(f"{self.base}/{path}", timeout=10) as response:
            return json.load(response)

    def search(self, resource_type: str, **params: str) -> list[dict]:
        query = "&".join(f"{k}={urllib.request.quote(v, safe=':|')}" for k, v in params.items())
        bundle = self.get(f"{resource_type}?{query}&_count=1000")
        return [e["resource"] for e in bundle.get("entry", [])]

    def control(self, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/$test/{path}", data=data)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def misbehave(self, mode: str, count: int = 1) -> None:
        self.control("misbehave", {"mode": mode, "count": count})

    def received(self) -> int:
        return self.control("received")["received"]
