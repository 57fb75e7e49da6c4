"""``stafett move``: a case to another deployment, in a package the sender signs and the receiver verifies,
or to another municipality of this one (``move within``)."""

from __future__ import annotations

from pathlib import Path

import click

from core.cli_support import opened_platform, platform_options, reported


def _municipality(platform, municipality: str | None) -> str:
    return municipality or platform.config.municipalities[0].id


municipality_option = click.option(
    "--municipality", default=None, help="Kommunenummer (default: the config's first)."
)


@click.group("move")
def move() -> None:
    """Move a case to another deployment: a package signed by the sender, verified on import."""


@move.command("key")
@platform_options
@reported
def move_key(config_path: Path | None, database_url: str | None) -> None:
    """Print this deployment's public key; the receiving deployment verifies packages with it."""
    from core.auth.keys import export_key
    from core.services.moving import public_key

    with opened_platform(config_path, database_url) as platform:
        click.echo(public_key(export_key(platform.database)), nl=False)


@move.command("export")
@platform_options
@municipality_option
@click.option("--case", "case_id", required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@reported
def move_export(config_path, database_url, municipality, case_id: str, output: Path) -> None:
    """Export a case under the family's consent to moving, signed; the case is closed here as moved."""
    from core.auth.keys import export_key
    from core.domain.policy import Actor
    from core.services.moving import PURPOSE_MOVE, sign

    with opened_platform(config_path, database_url) as platform:
        mid = _municipality(platform, municipality)
        with platform.work(Actor.system(mid, operator="cli move export"), PURPOSE_MOVE) as w:
            record = w.moving.export(case_id)
        sender = {"deployment": platform.config.name, "municipality_id": mid,
                  "municipality_name": platform.municipality(mid).name}  # fmt: skip
        output.write_bytes(sign(record, sender=sender, private_pem=export_key(platform.database)))
    click.echo(f"Skrev signert pakke for sak {case_id} til {output}; saken er avsluttet her som flyttet.")


@move.command("import")
@platform_options
@municipality_option
@click.option("--unit", "unit_id", required=True, help="The receiving unit.")
@click.option("--trusted-key", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="The sender's public key (from `stafett move key` there).")  # fmt: skip
@click.argument("package", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@reported
def move_import(
    config_path, database_url, municipality, unit_id: str, trusted_key: Path, package: Path
) -> None:
    """Verify a package's signature and open the moved case at the receiving unit with its whole log."""
    from core.domain.policy import Actor
    from core.services.moving import PURPOSE_MOVE, verify

    sender, record = verify(package.read_bytes(), trusted_public_pem=trusted_key.read_text(encoding="utf-8"))
    with opened_platform(config_path, database_url) as platform:
        mid = _municipality(platform, municipality)
        with platform.work(Actor.system(mid, operator="cli move import"), PURPOSE_MOVE) as w:
            case = w.moving.import_case(record, unit_id=unit_id, sender=sender)
    click.echo(f"Importerte saken fra {sender.get('municipality_name', '?')} som sak {case.id} i {unit_id}.")


@move.command("within")
@platform_options
@click.option("--case", "case_id", required=True)
@click.option("--from", "source", required=True, help="Kommunenummer the case is in now.")
@click.option(
    "--to", "target", required=True, help="Kommunenummer of the new municipality, in this deployment."
)
@click.option("--unit", "unit_id", required=True, help="The receiving unit in the new municipality.")
@reported
def move_within(config_path, database_url, case_id: str, source: str, target: str, unit_id: str) -> None:
    """Move a case to another municipality of this deployment under the family's consent to moving;
    run it again to finish a move that stopped half-way."""
    from core.move_job import move_within as move_case

    with opened_platform(config_path, database_url) as platform:
        case = move_case(platform, case_id, source=source, target=target, unit_id=unit_id)
    click.echo(f"Saken er flyttet til {target} som sak {case.id} i {unit_id}; den er avsluttet i {source}.")
