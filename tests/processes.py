"""Stafett and the systems around it on loopback, in processes of their own as an operator runs them:
what the tests and the benchmarks (bench/) share."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def audit_verify(env: Mapping[str, str], timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """``stafett audit verify`` in a process of its own, on the database ``env`` names; its output kept."""
    return subprocess.run(
        [sys.executable, "-m", "core.cli", "audit", "verify"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
