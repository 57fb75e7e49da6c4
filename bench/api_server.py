"""The app under benchmark: Stafett's own app with a hello-world route added, served by uvicorn.

The floor route lives in the same process, behind the same middleware stack, so the ratio shows what
auth, policy, audit and the database cost on top of Litestar itself. With ``--workers N`` every worker
process builds the same app from the environment (``factory``).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import uvicorn
from litestar import Litestar, get

from core.app import create_app
from core.config import default_config, load_config
from core.platform import Platform


@get("/bench/hello", sync_to_thread=False)
def hello() -> str:
    return "hello"


def factory() -> Litestar:
    """One worker's app, from STAFETT_BENCH_DATABASE_URL, STAFETT_BENCH_CONFIG and STAFETT_BENCH_URL."""
    path = os.environ.get("STAFETT_BENCH_CONFIG")
    config = load_config(Path(path)) if path else default_config()
    platform = Platform.open(config, database_url=os.environ["STAFETT_BENCH_DATABASE_URL"], upgrade=False)
    app = create_app(platform, public_url=os.environ["STAFETT_BENCH_URL"])
    app.register(hello)
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--config", help="a deployment config (default: the demo municipality)")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    os.environ["STAFETT_BENCH_DATABASE_URL"] = args.database_url
    os.environ["STAFETT_BENCH_URL"] = f"http://127.0.0.1:{args.port}"
    if args.config:
        os.environ["STAFETT_BENCH_CONFIG"] = args.config
    uvicorn.run(
        "bench.api_server:factory",
        factory=True,
        workers=args.workers,
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
