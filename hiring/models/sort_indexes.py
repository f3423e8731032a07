"""Indexes that only PostgreSQL needs, for lists read "highest first, unscored last" (migration 0025).

`ORDER BY values_fit DESC NULLS LAST`: SQLite reads an ascending index backwards in exactly that order (NULL is
its smallest value), PostgreSQL reading one backwards puts NULLs first, so without an index in the list's own
order it sorted every application for each page. SQLite refuses NULLS LAST in an index, so these live outside
the models' metadata, as the search indexes do (hiring/models/search.py), and `include_name` keeps schema
comparisons from proposing to drop them.
"""
from __future__ import annotations

POSTGRES_SORT_INDEXES = frozenset({
    "ix_applications_values_fit_sort",  # the candidate list by values fit
    "ix_applications_requirements_fit_sort",  # ... by requirements fit
    "ix_applications_job_ranking_sort",  # a job's pipeline (hiring.jobs.service.RANKING)
})
