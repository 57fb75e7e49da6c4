"""The archive adapter: a closed case's archive version (a PDF of the whole stafettlogg with its checksum,
and a Noark 5 arkivmelding for Fiks Arkiv) delivered to the municipality's archive through the outbox.

``pdf`` renders the version, ``arkivmelding`` describes it in KS's format, ``drop`` delivers both to a
folder the archive system reads and collects the archive's receipts, ``plugin`` registers the channel.
See docs/archive.md.
"""
