"""Benchmark runners over the shared benchmark formats (../shared/benchmarks/FORMAT.md)."""
