"""The pager under every list: its links keep the list's own arguments and nothing else."""
from __future__ import annotations

import re

from hiring.extensions import db
from hiring.models import Role
from tests import factories


def test_the_pager_passes_on_the_lists_arguments_but_not_url_fors_own(client, login_as):
    """?endpoint= once made every pager 500 (a second `endpoint` for url_for), ?_external= made its links
    absolute, and ?job_id= on a job's page pointed its pages at another job."""
    login_as(Role.RECRUITER)
    job = factories.job()
    for _ in range(60):
        factories.application(job)
    db.session.commit()
    response = client.get("/pipeline/?endpoint=x&_external=1&stage=applied")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    pager = html.split('class="pager"')[1].split("</nav>")[0]
    link = re.search(r'href="(/pipeline/\?[^"]+)" rel="next"', pager).group(1).replace("&amp;", "&")
    args = dict(pair.split("=", 1) for pair in link.split("?", 1)[1].split("&"))
    assert set(args) == {"page", "stage", "after"} and args["page"] == "2" and args["stage"] == "applied"
    assert 'href="http' not in html.split('class="pager"')[1].split("</nav>")[0]
