"""Delivering a bekymringsmelding, and reading barnevern's receipts: Fiks IO, or a local drop folder.

The outbox worker (``core.public.run_reports``) hands ``FiksSender`` each report; the unit's
``receiver`` says where it goes. Both ways are idempotent by the report's id (the outbox may send
again if a worker dies after sending): the drop folder keeps one folder per report and skips one
that is there; Fiks IO carries the report's id as ``klientMeldingId`` for the receiver to match.

- ``file:/path``: the message, its PDF and the Fiks IO metadata are written to ``<path>/<report id>/``
  (atomically: written beside it, then renamed). A missing folder is a receiver that is down, and is
  retried. Receipts are files ``<path>/kvitteringer/<report id>.<meldingstype>.json``.
- ``fiks-io:<account>``: the payload (an ASiC-E zip of the JSON and the PDF) is encrypted to the
  receiver's public key from the Fiks IO catalogue (CMS, AES-256) and posted to Fiks IO's send API
  with a Maskinporten token (scope ``ks:fiks``) and the integration's id and password (docs/fiks.md).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
import shutil
import uuid
import zipfile
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.serialization import pkcs7
from jwcrypto import jwk, jwt

from adapters.fiks import message as fiks_message
from adapters.fiks.channel import NAME, EndpointConfig
from adapters.fiks.pdf import pdf
from contracts import ChildWelfareReport, OutboxMessage
from core.public import Actor, NotFound, Platform, ReportService, i18n

JSON_NAME, PDF_NAME, METADATA_NAME = "bekymringsmelding.json", "bekymringsmelding.pdf", "metadata.json"
RECEIPTS = "kvitteringer"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TTL = dt.timedelta(days=7)  # how long Fiks IO keeps an unread message


class DeliveryError(Exception):
    """The receiver did not take the report; the message says why (retried by the outbox)."""


def payload(report: ChildWelfareReport) -> dict[str, bytes]:
    """The files that travel: KS's JSON (checked against KS's schema) and the PDF."""
    body = fiks_message.build(report)
    return {
        JSON_NAME: json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8"),
        PDF_NAME: pdf(report),
    }


def metadata(report: ChildWelfareReport, sender: str, receiver: str) -> dict[str, Any]:
    return {
        "avsenderKontoId": sender,
        "mottakerKontoId": receiver,
        "meldingType": fiks_message.MESSAGE_TYPE,
        "ttl": int(TTL.total_seconds() * 1000),
        "headere": {"klientMeldingId": report.id},
    }


# --- the drop folder -------------------------------------------------------------------------------


def drop_folder(address: str) -> Path:
    return Path(address.removeprefix("file:").removeprefix("//"))


def drop(report: ChildWelfareReport, address: str) -> Path:
    folder = drop_folder(address)
    if not folder.is_dir():
        raise DeliveryError(f"Mottaksmappen {folder} finnes ikke (mottakeren er nede).")
    target = folder / report.id
    if target.exists():  # sent before: never twice
        return target
    files = payload(report) | {METADATA_NAME: json.dumps(metadata(report, "", address)).encode()}
    partial = folder / f".{report.id}.{uuid.uuid4().hex}"
    try:
        partial.mkdir()
        for name, data in files.items():
            (partial / name).write_bytes(data)
        partial.rename(target)
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        if target.exists():
            return target
        raise DeliveryError(f"Kunne ikke skrive til {folder}: {exc}") from None
    return target


# --- Fiks IO ----------------------------------------------------------------------------------------


def _media_type(name: str) -> str:
    return "application/pdf" if name.endswith(".pdf") else "application/json"


def asice(files: dict[str, bytes]) -> bytes:
    """An ASiC-E container: ``mimetype`` first and stored, a manifest, then the files."""
    manifest = "".join(
        f'<file-entry manifest:full-path="{name}" manifest:media-type="{kind}"/>'
        for name, kind in ((n, _media_type(n)) for n in files)
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.etsi.asic-e+zip", zipfile.ZIP_STORED)
        z.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            f'<file-entry manifest:full-path="/" manifest:media-type="application/vnd.etsi.asic-e+zip"/>'
            f"{manifest}</manifest:manifest>",
            zipfile.ZIP_DEFLATED,
        )
        for name, data in files.items():
            z.writestr(name, data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def encrypt(data: bytes, certificate: x509.Certificate) -> bytes:
    """CMS EnvelopedData (AES-256-CBC, RSA key transport) to the receiver's certificate, DER."""
    builder = (
        pkcs7.PKCS7EnvelopeBuilder()
        .set_data(data)
        .add_recipient(certificate)
        .set_content_encryption_algorithm(algorithms.AES256)
    )
    return builder.encrypt(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])  # bytes as they are


class FiksIo:
    """Fiks IO's REST API as the sending account: Maskinporten token, catalogue, send."""

    def __init__(self, config: EndpointConfig, client: httpx.Client) -> None:
        self.config, self.client = config, client

    def _secret(self) -> str:
        password = os.environ.get(self.config.integration_password_env, "")
        if not password:
            raise DeliveryError(f"Miljøvariabelen {self.config.integration_password_env} er ikke satt.")
        return password

    def token(self) -> str:
        """A Maskinporten access token for scope ``ks:fiks``, by a JWT grant signed with the
        virksomhetssertifikat's key (the certificate travels in ``x5c``)."""
        c = self.config
        cert = x509.load_pem_x509_certificate(Path(c.certificate_file).read_bytes())
        key = jwk.JWK.from_pem(Path(c.certificate_key_file).read_bytes())
        now = int(dt.datetime.now(dt.UTC).timestamp())
        x5c = [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]
        grant = jwt.JWT(
            header={"alg": "RS256", "x5c": x5c},
            claims={
                "aud": "https://maskinporten.no/",
                "iss": c.maskinporten_client_id,
                "scope": "ks:fiks",
                "iat": now,
                "exp": now + 100,
                "jti": str(uuid.uuid4()),
            },
        )
        grant.make_signed_token(key)
        answer = self._call(
            "POST",
            c.maskinporten_url,
            data={
                "grant_type": JWT_GRANT,
                "assertion": grant.serialize(),
            },
        )
        return str(answer.json()["access_token"])

    def _headers(self, token: str) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {token}",
            "IntegrasjonId": self.config.integration_id,
            "IntegrasjonPassord": self._secret(),
        }

    def _call(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self.client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"Fikk ikke kontakt med {url}: {exc}") from None
        if response.status_code >= 300:
            raise DeliveryError(f"{url} svarte {response.status_code}: {response.text[:300]}")
        return response

    def public_key(self, token: str, account: str) -> x509.Certificate:
        url = f"{self.config.fiks_url}/fiks-io/katalog/api/v1/kontoer/{account}/offentligNokkel"
        answer = self._call("GET", url, headers=self._headers(token)).json()
        return x509.load_pem_x509_certificate(str(answer["nokkel"]).encode())

    def send(self, report: ChildWelfareReport, account: str) -> str:
        """Encrypt and send; returns Fiks IO's meldingId."""
        token = self.token()
        encrypted = encrypt(asice(payload(report)), self.public_key(token, account))
        meta = metadata(report, self.config.account_id, account)
        answer = self._call(
            "POST",
            f"{self.config.fiks_url}/fiks-io/api/v1/send",
            headers=self._headers(token),
            files={
                "metadata": (None, json.dumps(meta), "application/json"),
                "data": ("melding.asice", encrypted, "application/octet-stream"),
            },
        )
        return str(answer.json().get("meldingId", ""))


class FiksSender:
    """The outbox's ``send`` for the ``fiks`` channel: a drop folder or Fiks IO, by the ``receiver``."""

    def __init__(self, platform: Platform, *, timeout: float = 30.0) -> None:
        self.platform = platform
        self.client = httpx.Client(timeout=timeout)

    def __call__(self, msg: OutboxMessage, report: ChildWelfareReport) -> None:
        """Deliver ``report``; its PDF and texts in the municipality's målform (docs/languages.md)."""
        with i18n.use(self.platform.municipality(msg.municipality_id).language):
            self._deliver(msg, report)

    def _deliver(self, msg: OutboxMessage, report: ChildWelfareReport) -> None:
        if msg.endpoint.startswith("file:"):
            drop(report, msg.endpoint)
            return
        plugins = self.platform.plugins.for_municipality(msg.municipality_id)
        endpoint = plugins.outbox_endpoint(msg.unit_id, msg.channel)
        if endpoint is None:
            raise DeliveryError(f"Enheten {msg.unit_id} har ikke lenger mottak av bekymringsmeldinger.")
        FiksIo(EndpointConfig.of(endpoint.config), self.client).send(
            report, msg.endpoint.removeprefix("fiks-io:")
        )

    def close(self) -> None:
        self.client.close()


# --- receipts ---------------------------------------------------------------------------------------


def collect_drop_receipts(platform: Platform) -> list[tuple[str, str]]:
    """Record every receipt waiting in the municipalities' drop folders on its report (``mottatt`` or
    ``feilet``, with KS's ``melding`` as the error) and move it to ``behandlet/``. Returns (report id,
    meldingstype) for each receipt that was new."""
    done = []
    for mid in platform.municipality_ids():
        endpoints = platform.plugins.for_municipality(mid).outbox_endpoints
        folders = {
            drop_folder(e.address) for e in endpoints if e.channel == NAME and e.address.startswith("file:")
        }
        for folder in sorted(folders):
            for path in sorted((folder / RECEIPTS).glob("*.json")):
                report_id, _, kind = path.name.removesuffix(".json").partition(".")
                if kind not in (fiks_message.RECEIVED_TYPE, fiks_message.FAILED_TYPE):
                    continue
                body = json.loads(path.read_text(encoding="utf-8") or "{}")
                error = str(body.get("melding", "")) if isinstance(body, dict) else ""
                try:
                    if record_receipt(platform, mid, report_id, kind, error):
                        done.append((report_id, kind))
                except NotFound:
                    continue  # another municipality's report in a shared folder
                (folder / RECEIPTS / "behandlet").mkdir(exist_ok=True)
                path.rename(folder / RECEIPTS / "behandlet" / path.name)
    return done


def record_receipt(
    platform: Platform, municipality_id: str, report_id: str, kind: str, error: str = ""
) -> bool:
    """One receipt from barnevern's system, recorded on the case as the system (audited)."""
    actor = Actor.system(municipality_id, operator="fiks kvittering")
    received = kind == fiks_message.RECEIVED_TYPE
    with platform.work(actor, "kvittering på bekymringsmelding") as work:
        return ReportService(work.uow).record_receipt(
            report_id, received=received, error="" if received else error or "feilet uten melding"
        )
