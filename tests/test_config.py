"""Deployment configs: the shipped files load, and every mistake names its file and field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import configs
from contracts import InformationArea, ServiceType
from core.config import (
    DATABASE_URL_ENV,
    ConfigError,
    DeploymentConfig,
    default_config,
    load_config,
    valid_organization_number,
)


@pytest.fixture(autouse=True)
def _no_database_env(monkeypatch):
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


MUNICIPALITY = """
    name = "Testkommune"

    [[municipality]]
    id = "{id}"
    name = "Testkommune {id}"
    plugins = ["bti-standard"]
    {extra}
    [[municipality.unit]]
    id = "{unit}"
    name = "Testskolen"
    service_type = "skole"
"""


def municipality_file(tmp_path: Path, name: str, id: str, unit: str, extra: str = "") -> Path:
    return write(tmp_path, name, MUNICIPALITY.format(id=id, unit=unit, extra=extra))


def test_demo_config_has_every_service_type():
    config = default_config()
    assert isinstance(config, DeploymentConfig)
    assert config.path == configs.DEMO_CONFIG
    assert config.database_url == "sqlite:///stafett.db"
    demo = config.municipality("9901")
    assert demo.name == "Fjordvik kommune" and demo.allow_synthetic_national_ids
    assert demo.plugins == ["bti-standard", "agder", "fhir"]
    assert {unit.service_type for unit in demo.units} == set(ServiceType)
    assert demo.services and demo.consent_ages.for_area(InformationArea.CHILD_WELFARE) == 15
    assert demo.units[0].to_contract(demo.id).municipality_id == "9901"


def test_region_config_merges_its_municipalities():
    config = load_config(configs.CONFIG_DIR / "agder.toml")
    assert [m.id for m in config.municipalities] == ["4204", "4225", "4206"]
    assert {m.region for m in config.municipalities} == {"BTI Agder"}
    assert config.database_url is None
    assert not any(m.allow_synthetic_national_ids for m in config.municipalities)
    with pytest.raises(KeyError):
        config.municipality("9901")


@pytest.mark.parametrize("name", ["kristiansand", "lyngdal", "farsund", "rakkestad"])
def test_each_municipality_file_loads_alone(name):
    config = load_config(configs.CONFIG_DIR / f"{name}.toml")
    assert len(config.municipalities) == 1 and config.municipalities[0].region is None


def test_database_url_from_environment_wins(monkeypatch):
    monkeypatch.setenv(DATABASE_URL_ENV, "postgresql+psycopg://stafett@db/stafett")
    assert default_config().database_url == "postgresql+psycopg://stafett@db/stafett"


def test_nested_includes_and_nearest_region(tmp_path):
    municipality_file(tmp_path, "a.toml", "9902", "a-skole")
    municipality_file(tmp_path, "b.toml", "9903", "b-skole", 'region = "Egen region"')
    write(tmp_path, "sub.toml", 'name = "Delregion"\nregion = "Delregion"\ninclude = ["a.toml"]\n')
    top = write(tmp_path, "top.toml", 'name = "Topp"\nregion = "Topp"\ninclude = ["sub.toml", "b.toml"]\n')
    config = load_config(top)
    assert [(m.id, m.region) for m in config.municipalities] == [
        ("9902", "Delregion"),
        ("9903", "Egen region"),
    ]


def assert_error(path: Path, *fragments: str, file: str | None = None) -> str:
    """Loading fails, and the message names the faulty file (the loaded one unless told) and more."""
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(str(path.parent / (file or path.name))), message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_toml_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path, "bad.toml", 'name = "x"\n\n[[municipality]\n')
    assert_error(path, "ugyldig TOML", "linje 3")


def test_unknown_key_is_refused(tmp_path):
    path = municipality_file(tmp_path, "typo.toml", "9902", "skole")
    path.write_text(path.read_text().replace('service_type = "skole"', 'servce_type = "skole"'))
    assert_error(path, "municipality[0].unit[0].servce_type", "ukjent nøkkel", "service_type")


def test_wrong_type_is_refused(tmp_path):
    path = municipality_file(tmp_path, "type.toml", "9902", "skole")
    path.write_text(path.read_text().replace('plugins = ["bti-standard"]', 'plugins = "bti-standard"'))
    assert_error(path, "municipality[0].plugins", "forventet liste, fikk tekst")


def test_missing_field_is_refused(tmp_path):
    path = write(
        tmp_path, "missing.toml", '[[municipality]]\nid = "9902"\nname = "X"\nplugins = []\nunit = []\n'
    )
    assert_error(path, "name: mangler")


@pytest.mark.parametrize("bad", ["42", "42040", "abcd"])
def test_bad_kommunenummer_is_refused(tmp_path, bad):
    path = municipality_file(tmp_path, "knr.toml", bad, "skole")
    assert_error(path, "municipality[0].id", f"«{bad}»", "kommunenummer")


def test_unknown_service_type_lists_the_allowed_values(tmp_path):
    path = municipality_file(tmp_path, "st.toml", "9902", "skole")
    path.write_text(path.read_text().replace('service_type = "skole"', 'service_type = "school"'))
    message = assert_error(path, "municipality[0].unit[0].service_type", "«school»")
    assert all(f'"{st.value}"' in message for st in ServiceType)


def test_bad_unit_slug_and_organization_number(tmp_path):
    path = municipality_file(tmp_path, "slug.toml", "9902", "Fjordvik Skole")
    assert_error(path, "municipality[0].unit[0].id", "slug")
    path = municipality_file(tmp_path, "org.toml", "9902", "skole")
    path.write_text(path.read_text() + 'organization_number = "123456789"\n')
    assert_error(path, "municipality[0].unit[0].organization_number", "organisasjonsnummer")


def test_organization_number_checksum():
    assert valid_organization_number("123456785")  # 3+4+21+24+25+24+21+16 = 138; 11 - 138 % 11 = 5
    assert not valid_organization_number("123456789")
    assert not valid_organization_number("12345678")


def test_duplicate_municipality_across_includes(tmp_path):
    municipality_file(tmp_path, "a.toml", "9902", "a-skole")
    municipality_file(tmp_path, "b.toml", "9902", "b-skole")
    region = write(tmp_path, "region.toml", 'name = "R"\ninclude = ["a.toml", "b.toml"]\n')
    assert_error(region, "municipality[0].id", "«9902»", "a.toml", file="b.toml")


def test_duplicate_unit_id_in_a_deployment(tmp_path):
    municipality_file(tmp_path, "a.toml", "9902", "skole")
    municipality_file(tmp_path, "b.toml", "9903", "skole")
    region = write(tmp_path, "region.toml", 'name = "R"\ninclude = ["a.toml", "b.toml"]\n')
    assert_error(region, "municipality[0].unit[0].id", "«skole»", "a.toml", file="b.toml")


def test_missing_include_file(tmp_path):
    region = write(tmp_path, "region.toml", 'name = "R"\ninclude = ["finnes-ikke.toml"]\n')
    assert_error(region, "include[0]", "finnes-ikke.toml", "finnes ikke")


def test_include_cycle(tmp_path):
    write(tmp_path, "a.toml", 'name = "A"\ninclude = ["b.toml"]\n')
    write(tmp_path, "b.toml", 'name = "B"\ninclude = ["a.toml"]\n')
    assert_error(tmp_path / "a.toml", "include[0]", "i ring", "a.toml → b.toml → a.toml", file="b.toml")


def test_config_without_municipalities(tmp_path):
    assert_error(write(tmp_path, "empty.toml", 'name = "Tom"\n'), "ingen kommuner")


def test_keycloak_needs_a_server(tmp_path):
    path = municipality_file(tmp_path, "auth.toml", "9902", "skole")
    path.write_text(path.read_text() + '\n[auth]\nkind = "keycloak"\n')
    assert_error(path, "auth.server_url", "keycloak")
    path.write_text(path.read_text().replace('"keycloak"', '"ldap"'))
    assert_error(path, "auth.kind", "«ldap»", '"local"', '"keycloak"')


def test_missing_top_file(tmp_path):
    assert_error(tmp_path / "nowhere.toml", "finnes ikke")
