"""Job openings: their requirements, thresholds and pipeline."""
