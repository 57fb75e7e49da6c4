"""Deployment config: one TOML file per municipality or region, decoded strictly with msgspec.

Strict on purpose: a misspelt key or an unknown service type is an error that names the file and
the field, never a silently ignored setting. A region file lists its municipalities' files under
`include`; the environment variable STAFETT_DATABASE_URL overrides `database_url`, so operators
keep secrets out of the files.
"""

from __future__ import annotations

import enum
import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
import msgspec.inspect as mi
from msgspec.structs import force_setattr, replace

import configs
from contracts import InformationArea, Municipality, ServiceDirectoryEntry, ServiceType, Unit
from contracts.base import Contract

DATABASE_URL_ENV = "STAFETT_DATABASE_URL"

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
KOMMUNENUMMER_PATTERN = r"^[0-9]{4}$"
Slug = Annotated[str, msgspec.Meta(pattern=SLUG_PATTERN, max_length=64)]
Kommunenummer = Annotated[str, msgspec.Meta(pattern=KOMMUNENUMMER_PATTERN)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]

_PATTERN_TEXT = {
    SLUG_PATTERN: "må være en slug: små bokstaver a–z, siffer og bindestrek (f.eks. «fjordvik-skole»)",
    KOMMUNENUMMER_PATTERN: "er ikke et gyldig kommunenummer; det må være fire siffer (f.eks. «4204»)",
    r"^[A-Za-z0-9._:-]+$": "kan bare inneholde bokstavene a–z, siffer og tegnene . _ : -",
}
_TYPE_TEXT = {
    "str": "tekst",
    "int": "heltall",
    "float": "tall",
    "bool": "true/false",
    "array": "liste",
    "object": "tabell",
    "null": "ingen verdi",
}


class ConfigError(Exception):
    """A config file is wrong; the message names the file, the field and the fault in Norwegian."""


def valid_organization_number(number: str) -> bool:
    """Organisasjonsnummer: nine digits, the last a mod-11 control digit (weights 3 2 7 6 5 4 3 2)."""
    if len(number) != 9 or not number.isascii() or not number.isdigit():
        return False
    k = 11 - sum(int(d) * w for d, w in zip(number, (3, 2, 7, 6, 5, 4, 3, 2), strict=False)) % 11
    return k != 10 and k % 11 == int(number[8])


class _Config(Contract):
    """Config sections are strict and immutable like the contracts."""


class UnitConfig(_Config):
    id: Slug
    name: Name
    service_type: ServiceType
    organization_number: str | None = None
    # per adapter, its raw table ([municipality.unit.adapters.<name>]), validated by the adapter's
    # channel schema at start-up (core.pluginhost.channels): e.g. the unit's FHIR journal
    adapters: dict[str, dict[str, Any]] = {}

    def __post_init__(self) -> None:
        if self.organization_number is not None and not valid_organization_number(self.organization_number):
            raise ValueError(
                f"organization_number: «{self.organization_number}» er ikke et gyldig organisasjonsnummer "
                "(ni siffer med riktig kontrollsiffer)"
            )

    def to_contract(self, municipality_id: str) -> Unit:
        return Unit(
            id=self.id,
            municipality_id=municipality_id,
            name=self.name,
            service_type=self.service_type,
            organization_number=self.organization_number,
        )


class ConsentAges(_Config):
    """The age from which the youth alone consents, per information area."""

    health: Annotated[int, msgspec.Meta(ge=0, le=18)] = 16
    child_welfare: Annotated[int, msgspec.Meta(ge=0, le=18)] = 15
    general: Annotated[int, msgspec.Meta(ge=0, le=18)] = 18

    def for_area(self, area: InformationArea) -> int:
        return getattr(self, InformationArea(area).value)


class MunicipalityConfig(_Config):
    id: Kommunenummer
    name: Name
    plugins: list[str]
    units: list[UnitConfig] = msgspec.field(name="unit")
    consent_ages: ConsentAges = msgspec.field(default_factory=ConsentAges)
    services: list[ServiceDirectoryEntry] = msgspec.field(default_factory=list, name="service")
    allow_synthetic_national_ids: bool = False
    retention_years: Annotated[int, msgspec.Meta(ge=1)] = 10
    # look-ups of people by fødselsnummer or name one employee may make in 10 minutes (core.services.lookups)
    person_lookups_per_10_minutes: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 30
    region: str | None = None
    # the age from which a youth may ask that chosen entries and tiltak are kept from the guardians
    youth_say_age: Annotated[int, msgspec.Meta(ge=10, le=18)] = 12
    # varsler: a scheduled kind's days, retimed for this municipality (e.g. no_relay_holder = 21)
    notification_days: dict[str, Annotated[int, msgspec.Meta(ge=0, le=365)]] = {}
    # følgeevaluering: whether the region's other municipalities see this one by name (else unnamed)
    named_in_region: bool = True
    # målform: what the municipality writes to its people in, unless a person chooses otherwise
    language: Literal["nb", "nn"] = "nb"

    def to_contract(self) -> Municipality:
        return Municipality(id=self.id, name=self.name, region=self.region)


class AuthConfig(_Config):
    """Who logs people in (docs/identity.md). Secrets come from the environment, never from the file:
    STAFETT_KEYCLOAK_CLIENT_SECRET, STAFETT_SESSION_SECRET; STAFETT_PUBLIC_URL overrides public_url."""

    kind: Literal["local", "keycloak"] = "local"
    server_url: str | None = None  # Keycloak's base URL (kind = "keycloak"); the local realm is served here
    realm: str = "stafett"
    client_id: str = "stafett"
    public_url: str | None = None  # this app's base URL as browsers see it; default http://127.0.0.1:8000
    leeway_seconds: Annotated[int, msgspec.Meta(ge=0, le=300)] = 10  # clock skew allowed on exp/iat

    def __post_init__(self) -> None:
        if self.kind == "keycloak" and not self.server_url:
            raise ValueError('server_url: må være satt når kind = "keycloak"')


class SmtpConfig(_Config):
    """The municipality's mail relay for varsler (docs/notifications.md). The password comes from the
    environment (STAFETT_SMTP_PASSWORD), never from the file."""

    host: Name
    port: Annotated[int, msgspec.Meta(ge=1, le=65535)] = 587
    security: Literal["starttls", "tls", "none"] = "starttls"  # "none" only for a relay on loopback
    username: str | None = None
    ca_file: str | None = None  # the relay's CA when it is the municipality's own (default: the system's)
    from_address: Name = "stafett@kommune.no"
    timeout_seconds: Annotated[float, msgspec.Meta(gt=0, le=120)] = 20

    @property
    def password(self) -> str | None:
        return os.environ.get("STAFETT_SMTP_PASSWORD") or None


class DeploymentConfig(_Config, dict=True):
    name: Name
    database_url: str | None = None
    # øving (docs/practice.md): the practice space's own database; default beside the real one
    practice_database_url: str | None = None
    region: str | None = None
    include: list[str] = []
    municipalities: list[MunicipalityConfig] = msgspec.field(default_factory=list, name="municipality")
    auth: AuthConfig = msgspec.field(default_factory=AuthConfig)
    smtp: SmtpConfig | None = None  # without it, varsler are in-app only

    def municipality(self, id: str) -> MunicipalityConfig:
        for municipality in self.municipalities:
            if municipality.id == id:
                return municipality
        raise KeyError(f"Kommunenummer {id} finnes ikke i konfigurasjonen «{self.name}».")

    @property
    def path(self) -> Path | None:
        """The file this config was loaded from (None when built in code)."""
        return self.__dict__.get("_path")


def default_config() -> DeploymentConfig:
    """The embedded default: the fictional demo municipality."""
    return load_config(configs.DEMO_CONFIG)


def load_config(path: str | os.PathLike[str]) -> DeploymentConfig:
    """Load a deployment config with its includes, check it as a whole, apply the environment."""
    path = Path(path)
    config, placed = _load_file(path, ())
    if not placed:
        raise ConfigError(f"{path}: municipality: ingen kommuner; legg til [[municipality]] eller include")
    _check_unique(placed)
    database_url = os.environ.get(DATABASE_URL_ENV) or config.database_url
    config = replace(config, municipalities=[m for m, _, _ in placed], database_url=database_url)
    force_setattr(config, "_path", path.resolve())
    return config


_Placed = tuple[MunicipalityConfig, Path, int]  # the municipality, its file, its index there


def _load_file(path: Path, stack: tuple[Path, ...]) -> tuple[DeploymentConfig, list[_Placed]]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: filen finnes ikke") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: filen kan ikke leses ({e})") from None
    except tomllib.TOMLDecodeError as e:
        where = re.search(r" \(at line (\d+), column (\d+)\)", str(e))
        place = f" på linje {where[1]}, kolonne {where[2]}" if where else ""
        detail = str(e).replace(where[0], "") if where else str(e)
        raise ConfigError(f"{path}: ugyldig TOML{place} ({detail})") from None
    try:
        config = msgspec.convert(raw, DeploymentConfig)
    except msgspec.ValidationError as e:
        raise ConfigError(f"{path}: {_explain(str(e), raw)}") from None
    stack = (*stack, path.resolve())
    placed: list[_Placed] = [(m, path, i) for i, m in enumerate(config.municipalities)]
    for i, name in enumerate(config.include):
        included = (path.parent / name).resolve()
        if included in stack:
            chain = " → ".join(p.name for p in (*stack, included))
            raise ConfigError(
                f"{path}: include[{i}]: «{name}» er allerede tatt med lenger opp, "
                f"så include går i ring ({chain})"
            )
        if not included.is_file():
            raise ConfigError(f"{path}: include[{i}]: filen «{name}» finnes ikke ({included})")
        placed += _load_file(included, stack)[1]
    if config.region:
        placed = [(m if m.region else replace(m, region=config.region), p, i) for m, p, i in placed]
    return config, placed


def _check_unique(placed: list[_Placed]) -> None:
    seen: dict[str, str] = {}

    def claim(key: str, where: str, what: str) -> None:
        if key in seen:
            raise ConfigError(f"{where}: {what} er brukt mer enn én gang (også i {seen[key]})")
        seen[key] = where

    for municipality, path, i in placed:
        claim(f"m:{municipality.id}", f"{path}: municipality[{i}].id", f"kommunenummer «{municipality.id}»")
        for j, unit in enumerate(municipality.units):
            claim(f"u:{unit.id}", f"{path}: municipality[{i}].unit[{j}].id", f"enhets-id «{unit.id}»")
        for j, service in enumerate(municipality.services):
            where = f"{path}: municipality[{i}].service[{j}].id"
            claim(f"s:{municipality.id}:{service.id}", where, f"tjeneste-id «{service.id}»")


def _explain(message: str, raw: Any) -> str:
    """Translate a msgspec validation message into `field.path: fault` in plain Norwegian."""
    fault, sep, at = message.rpartition(" - at `$")
    if not sep:
        fault, at = message, "`"
    steps: list[str | int] = [key or int(index) for key, index in re.findall(r"\.([^.\[`]+)|\[(\d+)\]", at)]
    if m := re.fullmatch(r"Object contains unknown field `(.+)`", fault):
        keys = ", ".join(f.encode_name for f in getattr(_type_at(steps), "fields", ()))
        return f"{_dotted([*steps, m[1]])}: ukjent nøkkel (skrivefeil?); gyldige nøkler her: {keys}"
    if m := re.fullmatch(r"Object missing required field `(.+)`", fault):
        return f"{_dotted([*steps, m[1]])}: mangler, men må være med"
    if m := re.fullmatch(r"([a-z_]+): (.+)", fault):  # raised by our own __post_init__ checks
        return f"{_dotted([*steps, m[1]])}: {m[2]}"
    place = _dotted(steps) or "(toppnivå)"
    value = _value_at(raw, steps)
    if m := re.fullmatch(r"Expected `(\w+)`, got `(\w+)`", fault):
        return (
            f"{place}: feil type; forventet {_TYPE_TEXT.get(m[1], m[1])}, fikk {_TYPE_TEXT.get(m[2], m[2])}"
        )
    if fault.startswith("Invalid enum value"):
        allowed = ", ".join(f'"{v}"' for v in _allowed_values(_type_at(steps)))
        return f"{place}: ukjent verdi «{value}»; tillatte verdier: {allowed}"
    if m := re.fullmatch(r"Expected `str` matching regex '(.+)'", fault):
        return f"{place}: «{value}» {_PATTERN_TEXT.get(m[1], f'passer ikke med mønsteret {m[1]}')}"
    if m := re.fullmatch(r"Expected `int` (>=|<=) (-?\d+)", fault):
        return f"{place}: {value} er for {'lite' if m[1] == '>=' else 'stort'}; grensen er {m[2]}"
    if fault == "Expected `str` of length >= 1":
        return f"{place}: kan ikke være tom"
    return f"{place}: ugyldig verdi «{value}» ({fault})"


def _dotted(steps: list[str | int]) -> str:
    return "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in steps).lstrip(".")


def _value_at(raw: Any, steps: list[str | int]) -> Any:
    for step in steps:
        try:
            raw = raw[step]
        except (KeyError, IndexError, TypeError):
            return None
    return raw


def _type_at(steps: list[str | int]) -> mi.Type | None:
    """The msgspec type expected at a path, so a fault can list what would have been right."""
    t: mi.Type | None = mi.type_info(DeploymentConfig)
    for step in steps:
        t = _unwrap(t)
        if isinstance(step, int) and isinstance(t, mi.ListType):
            t = t.item_type
        elif isinstance(t, mi.StructType):
            t = next((f.type for f in t.fields if f.encode_name == step), None)
        else:
            return None
    return _unwrap(t)


def _unwrap(t: mi.Type | None) -> mi.Type | None:
    if isinstance(t, mi.Metadata):
        t = t.type
    if isinstance(t, mi.UnionType):
        t = next((u for u in t.types if not isinstance(u, mi.NoneType)), None)
    return t


def _allowed_values(t: mi.Type | None) -> list[Any]:
    if isinstance(t, mi.EnumType) and issubclass(t.cls, enum.Enum):
        return [member.value for member in t.cls]
    if isinstance(t, mi.LiteralType):
        return list(t.values)
    return []
