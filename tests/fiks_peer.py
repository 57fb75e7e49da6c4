"""A Fiks IO peer on loopback for tests: Maskinporten's token endpoint, the Fiks IO catalogue (the
receiving account's public key) and Fiks IO's send API, as KS publishes them.

It checks what a real Fiks IO would: the JWT grant is signed by the virksomhetssertifikat in its
``x5c`` and asks for ``ks:fiks``; every call carries the token and the integration's id and password;
the payload decrypts with the receiving account's private key to an ASiC-E zip. What it received is
kept (``received``); ``down`` makes the send API answer 503.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID
from jwcrypto import jwk, jwt
from litestar import Litestar, Request, Response, get, post
from litestar.datastructures import UploadFile

PASSWORD = "integrasjonspassord"
TOKEN = "peer-access-token"


def key_and_certificate(name: str) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return key, cert


@dataclass
class Sent:
    metadata: dict[str, Any]
    files: dict[str, bytes]


@dataclass
class FiksIoPeer:
    folder: Path
    receiver_account: str = field(default_factory=lambda: str(uuid.uuid4()))
    sender_account: str = field(default_factory=lambda: str(uuid.uuid4()))
    integration_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    client_id: str = "stafett-test"
    down: bool = False
    received: list[Sent] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.receiver_key, self.receiver_cert = key_and_certificate("barnevern")
        company_key, self.company_cert = key_and_certificate("Fjordvik kommune")
        self.certificate_file = self.folder / "virksomhet.pem"
        self.certificate_key_file = self.folder / "virksomhet.key"
        self.certificate_file.write_bytes(self.company_cert.public_bytes(serialization.Encoding.PEM))
        self.certificate_key_file.write_bytes(
            company_key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )

    def _authorized(self, request: Request) -> bool:
        h = request.headers
        return (
            h.get("authorization") == f"Bearer {TOKEN}"
            and h.get("integrasjonid") == self.integration_id
            and h.get("integrasjonpassord") == PASSWORD
        )

    def app(self, base_url: str) -> Litestar:
        peer = self

        @post("/token", status_code=200)
        async def token(request: Request) -> Response:
            form = await request.form()
            header = json.loads(base64.urlsafe_b64decode(form["assertion"].split(".")[0] + "=="))
            cert = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
            if cert != peer.company_cert:
                return Response({"error": "invalid_client"}, status_code=400)
            public = jwk.JWK.from_pem(cert.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))  # fmt: skip
            checked = jwt.JWT(jwt=form["assertion"], key=public)
            claims = json.loads(checked.claims)
            ok = (
                form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
                and claims["scope"] == ("ks:fiks")
                and claims["iss"] == peer.client_id
            )
            if not ok:
                return Response({"error": "invalid_grant"}, status_code=400)
            return Response({"access_token": TOKEN, "expires_in": 120})

        @get("/fiks-io/katalog/api/v1/kontoer/{account:str}/offentligNokkel")
        async def public_key(request: Request, account: str) -> Response:
            if not peer._authorized(request):
                return Response({"melding": "ikke autorisert"}, status_code=401)
            if account != peer.receiver_account:
                return Response({"melding": "ukjent konto"}, status_code=404)
            pem = peer.receiver_cert.public_bytes(serialization.Encoding.PEM).decode()
            return Response({"nokkel": pem, "serial": str(peer.receiver_cert.serial_number)})

        @post("/fiks-io/api/v1/send", status_code=200)
        async def send(request: Request) -> Response:
            if peer.down:
                return Response({"melding": "Tjenesten er utilgjengelig"}, status_code=503)
            if not peer._authorized(request):
                return Response({"melding": "ikke autorisert"}, status_code=401)
            data = await request.form()
            meta = data["metadata"]
            meta = json.loads(await meta.read() if isinstance(meta, UploadFile) else meta)
            encrypted = await data["data"].read()
            plain = pkcs7.pkcs7_decrypt_der(encrypted, peer.receiver_cert, peer.receiver_key, [])
            with zipfile.ZipFile(io.BytesIO(plain)) as z:
                assert z.namelist()[0] == "mimetype"
                files = {n: z.read(n) for n in z.namelist()}
            peer.received.append(Sent(meta, files))
            return Response({"meldingId": str(uuid.uuid4()), "mottakerKontoId": meta["mottakerKontoId"]})

        return Litestar([token, public_key, send])
