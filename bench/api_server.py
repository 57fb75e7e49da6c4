"""The app under benchmark: Stafett's own app with a hello-world route added, served by one uvicorn worker.

The floor route lives in the same process, behind the same middleware stack, so the ratio shows what
auth, policy, audit and the database cost on top of Litestar itself.
"""

from __future__ import annotations

import argparse

import uvicorn
from litestar import get

from core.app import create_app
from core.config import default_config
from core.platform import Platform


@get("/bench/hello", sync_to_thread=False)
def hello() -> str:
    return "hello"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    base_url = f"http://127.0.0.1:{args.port}"
    app = create_app(Platform.open(default_config(), database_url=args.database_url), public_url=base_url)
    app.register(hello)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
