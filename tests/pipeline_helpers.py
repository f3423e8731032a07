"""Posting the candidate page's move form as the browser does (its fields carry the application's prefix)."""
from __future__ import annotations


def post_move(client, application, to: str, reason: str = "", **extra):
    """Move `application` to the stage `to` through POST /pipeline/applications/<id>/move, with the stage the
    page showed as the expected one; `extra` fields (start_date, mentor_id, rejection_reason_id, ...) added."""
    prefix = f"a{application.id}-"
    data = {prefix + "to_stage": to, prefix + "reason": reason, prefix + "expected_stage": application.stage.value}
    data.update({prefix + k: v for k, v in extra.items()})
    return client.post(f"/pipeline/applications/{application.id}/move", data=data)
