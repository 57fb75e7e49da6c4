"""Generated secrets kept in the database: the local realm's RS256 key, the session-cookie secret, and the
Ed25519 key that signs export packages to other deployments.

Generated once per deployment on first start and shared by every app process through the
database, so tokens signed by one process verify in all of them, and a restart logs no one out.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable

from jwcrypto import jwk
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.storage.auth_models import AuthKeyRow
from core.storage.database import Database

SESSION_SECRET_ENV = "STAFETT_SESSION_SECRET"
SIGNING = "signing"
SESSION = "session"


def _load_or_create(database: Database, purpose: str, realm: str, make: Callable[[], tuple[str, str]]) -> str:
    """The stored secret for (purpose, realm); the first process to ask creates it, racers re-read."""
    for _ in range(2):
        with database.session() as session:
            found = session.scalar(
                select(AuthKeyRow.material).where(AuthKeyRow.purpose == purpose, AuthKeyRow.realm == realm)
            )
            if found is not None:
                return found
            kid, material = make()
            session.add(
                AuthKeyRow(
                    id=kid,
                    purpose=purpose,
                    realm=realm,
                    material=material,
                    created_at=dt.datetime.now(dt.UTC),
                )
            )
            try:
                session.commit()
                return material
            except IntegrityError:  # another process stored one first: use theirs
                session.rollback()
    raise RuntimeError(f"could not store the {purpose} secret")


def signing_key(database: Database, realm: str) -> jwk.JWK:
    """The realm's private RS256 key as a JWK with its kid."""

    def make() -> tuple[str, str]:
        kid = secrets.token_urlsafe(16)
        key = jwk.JWK.generate(kty="RSA", size=2048, kid=kid, alg="RS256", use="sig")
        return kid, key.export_private()

    return jwk.JWK.from_json(_load_or_create(database, SIGNING, realm, make))


def session_secret(database: Database) -> bytes:
    """The key that signs session cookies: STAFETT_SESSION_SECRET, or one generated for the deployment."""
    if from_env := os.environ.get(SESSION_SECRET_ENV):
        return from_env.encode()

    def make() -> tuple[str, str]:
        return f"session-{secrets.token_hex(8)}", secrets.token_urlsafe(48)

    return _load_or_create(database, SESSION, "", make).encode()


EXPORT = "export"


def export_key(database: Database) -> str:
    """The deployment's Ed25519 key that signs export packages (``core.services.moving``), PEM."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    def make() -> tuple[str, str]:
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return f"export-{secrets.token_urlsafe(12)}", pem.decode()

    return _load_or_create(database, EXPORT, "", make)
