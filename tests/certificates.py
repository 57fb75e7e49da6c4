"""Self-signed certificates for the test peers (Fiks IO's accounts and virksomhetssertifikat, the SMTP
server's TLS)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def self_signed(
    common_name: str, *, days: int, extensions: Sequence[tuple[x509.ExtensionType, bool]] = ()
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A fresh RSA key and a certificate for ``common_name`` it signs itself, valid from yesterday for
    ``days`` days, with the ``extensions`` given (each with whether it is critical)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
    )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical)
    return key, builder.sign(key, hashes.SHA256())
