"""The FHIR R4 adapter: mapping (HL7 Norway no-basis), export, delivery to units' journals under consent.

See docs/fhir.md. It imports ``contracts`` and core's service layer only; the core knows no FHIR.
"""
