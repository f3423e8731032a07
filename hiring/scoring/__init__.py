"""Scoring maths as pure functions: requirement fit, values fit, the gate, calibration."""
