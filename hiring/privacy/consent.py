"""Recording the privacy notice and the candidate's consent on the candidate row.

Kept apart from service.py, which imports the pipeline: the pipeline calls these when it adds candidates.
"""
from __future__ import annotations

from datetime import datetime

from hiring.models import Candidate


def notice_given(candidate: Candidate, now: datetime) -> None:
    """Record that the privacy notice was given now, unless it was given earlier."""
    if candidate.privacy_notice_at is None:
        candidate.privacy_notice_at = now


def set_consent(candidate: Candidate, consent: bool, now: datetime) -> bool:
    """Give or withdraw consent to be kept for future openings; True when it changed.

    The time is when consent was given, so giving it again keeps the first time; withdrawing clears it.
    """
    if consent == candidate.retention_consent:
        return False
    candidate.retention_consent = consent
    candidate.retention_consent_at = now if consent else None
    return True
