"""The candidate pipeline: candidates, applications, stage moves, interviewer assignment and hiring."""
