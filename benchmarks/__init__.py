"""Benchmark scripts: each measures a real path beside a baseline in the same run; run with python -m."""
