"""The core values library: the same bar for every job."""
