"""The KS Fiks adapter: bekymringsmelding to barnevern (KS Fiks bekymringsmelding v2) over Fiks IO.

``message`` writes a report (``contracts.ChildWelfareReport``) in KS's format and refuses one its
schema refuses, ``pdf`` makes the PDF that goes with it, ``senders`` deliver it (Fiks IO, or a
drop folder) and read the receipts, ``channel`` is the outbox channel and its per-unit config.
See docs/fiks.md. Imports ``contracts`` and ``core.public`` only.
"""
