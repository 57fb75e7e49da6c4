"""Tables of the identity layer: signing keys and secrets, and the local realm's login sessions.

Kept in the database (not in files) so every app process of a deployment signs and verifies
with the same key, and a login started on one process can be finished on another.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.storage.base import ID, Base, UTCDateTime


class AuthKeyRow(Base):
    """A generated secret: the local realm's RS256 key (purpose "signing") or the session-cookie secret."""

    __tablename__ = "auth_key"
    __table_args__ = (UniqueConstraint("purpose", "realm"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the JWK "kid" for signing keys
    purpose: Mapped[str] = mapped_column(String(16))
    realm: Mapped[str] = mapped_column(String(64))  # "" for deployment-wide secrets
    material: Mapped[str] = mapped_column(Text)  # PEM private key, or the secret itself
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class RealmSessionRow(Base):
    """One login at the local realm: the pending authorization code, then the session refresh tokens name."""

    __tablename__ = "realm_session"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    realm: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)  # None once redeemed
    code_challenge: Mapped[str] = mapped_column(String(128))
    redirect_uri: Mapped[str] = mapped_column(Text)
    nonce: Mapped[str | None] = mapped_column(String(256))
    scope: Mapped[str] = mapped_column(String(300), default="openid")
    code_expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
