"""Synthetic scenarios with ground truth, shaped like January 2022 in Kazakhstan.

Two entry points share one capture model (``_capture.py``):

- :func:`simulate_histories` — capture histories alone, for estimator studies;
- :func:`generate` / :func:`write_scenario` — a hidden population with names, dates and
  places, source lists in the styles of real ones, and the truth that links them.
"""

from qantar.synth._capture import CaptureSettings
from qantar.synth._histories import SimulatedHistories, simulate_histories

__all__ = ["CaptureSettings", "SimulatedHistories", "simulate_histories"]
