"""Benchmark and load test of Loyalty (see bench/run.py, bench/notebook.py, bench/load.py)."""
