"""The public careers site: published open jobs, for candidates, without signing in."""
