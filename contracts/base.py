"""The base of every contract struct, and the constrained scalar types they share."""

from __future__ import annotations

from typing import Annotated, dataclass_transform

import msgspec

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
MunicipalityNumber = Annotated[
    str, msgspec.Meta(pattern=r"^[0-9]{4}$", description="kommunenummer, four digits")
]
Text = Annotated[str, msgspec.Meta(max_length=20_000)]
ShortText = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]


# msgspec passes frozen and kw_only on to subclasses; this tells type checkers so (PEP 681 does not
# inherit class keywords), so a subclass need not repeat them.
@dataclass_transform(frozen_default=True, kw_only_default=True, field_specifiers=(msgspec.field,))
class Contract(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Immutable, keyword-only, strict: a contract value never changes after it is made."""
