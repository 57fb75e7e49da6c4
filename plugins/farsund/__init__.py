"""farsund: Farsund kommune's four processes mapped onto the levels, with who is involved at each.

One action guide, common to schools, kindergartens and the other services (Farsund's routines
are the same for all), whose level titles and purposes are the four processes: identifisering,
lokal innsats, tverretatlig samarbeid and komplekst samordning/barneverntjeneste. Enable it after
``bti-standard`` (its tools) and ``agder`` (Farsund is in BTI Agder); being enabled last, its guide
is the one Farsund's employees see. Imports ``contracts`` only.
"""

from __future__ import annotations

from .guide import provide_action_guides

__all__ = ["provide_action_guides"]
