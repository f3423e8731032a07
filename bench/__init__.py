"""Benchmarks: timings live here, never in the tests."""
