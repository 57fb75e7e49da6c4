"""The ``fhir`` plugin: mounts the FHIR read facade (``/fhir/R4/``) through the ``routes`` hook.

Unlike the municipal plugins, which import ``contracts`` only, this one belongs to an adapter: the
facade it mounts reads through core's service layer (the one policy and the audit trail), which
adapters may use. Enable it in a municipality's config to give that municipality FHIR access.
"""

from __future__ import annotations

from contracts import hookimpl


@hookimpl
def routes() -> list[object]:
    from adapters.fhir.facade import fhir_router

    return [fhir_router]
