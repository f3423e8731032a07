"""Candidates' privacy (GDPR): the notice, consent, anonymisation after the retention period, access and
erasure requests."""
