"""Benchmarks: each module measures one thing beside a baseline run in the same process and records it."""
