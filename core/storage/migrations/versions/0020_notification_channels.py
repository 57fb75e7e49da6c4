"""Varsel channels: the way out of Stafett a person chose, and the way each varsel went.

Plugins add channels besides e-mail (``notification_channels``: an SMS gateway, Altinn Varsling);
``notification_settings.channel`` is a person's choice and ``notification.channel`` is recorded when a
varsel is tried, so an operator can see which gateway holds or refused it.
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0020", "0019"
branch_labels = depends_on = None


def upgrade() -> None:
    op.add_column(
        "notification_settings", sa.Column("channel", sa.String(32), nullable=False, server_default="email")
    )
    op.add_column("notification", sa.Column("channel", sa.String(32), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("notification") as batch:
        batch.drop_column("channel")
    with op.batch_alter_table("notification_settings") as batch:
        batch.drop_column("channel")
