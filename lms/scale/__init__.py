"""A synthetic organization of any size, written with bulk inserts, for benchmarks and query-count tests."""
