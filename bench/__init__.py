"""Benchmarks: how the portal's cost grows with its data and load, as ratios in one run.

Run with ``python -m bench`` (or ``nox -s bench``); see docs/performance.md.
"""
