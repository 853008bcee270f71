"""Benchmarks of the engine's hot path: ``make bench`` (``python bench/run.py``); see README.md."""
