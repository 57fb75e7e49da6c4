"""A Fiks IO peer on loopback for tests: Maskinporten's token endpoint, the Fiks IO catalogue (the
receiving account's public key) and Fiks IO's send API, as KS publishes them.

It checks what a real Fiks IO would: the JWT grant is signed by the virksomhetssertifikat in its
``x5c`` and asks for ``ks:fiks``; every call carries the token and the integration's id and password;
the payload decrypts with the receiving account's private key to an ASiC-E zip. What it received is
kept (``received``); ``down`` makes the send API answer 503.
"""

from __future__ import annotations

import base64
import io
import json
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs7
from jwcrypto import jwk, jwt
from litestar import Litestar, Request, Response, get, post
from litestar.datastructures import UploadFile

from tests.certificates import self_signed

PASSWORD = "integrasjonspassord"
TOKEN = "peer-access-token"


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
        self.receiver_key, self.receiver_cert = self_signed("barnevern", days=30)
        company_key, self.company_cert = self_signed("Fjordvik kommune", days=30)
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
