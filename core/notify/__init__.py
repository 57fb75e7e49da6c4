"""Varsler: people hear about what needs them, in Stafett and by e-mail, without sensitive data leaving.

``writer`` writes notifications in the transaction of the stafettlogg entries that cause them (a commit
listener of the unit of work, like the outbox); ``scans`` finds the scheduled ones in SQL over a whole
municipality; ``mail`` writes the e-mail (and a meeting's iCalendar) that names nobody; ``sender``
delivers them over SMTP with leases, retries and audit; ``service`` is what the Varsler page reads.
Which kinds exist and when they fire come from plugins (``notification_kinds``). See
docs/notifications.md.
"""
