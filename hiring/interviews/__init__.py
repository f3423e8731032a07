"""Structured interviews: the scorecard form, drafts, submission, amendment and independence."""
