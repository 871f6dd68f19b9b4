"""Benchmarks, run as modules from the repository's root: `python -m bench` (make bench),
`python -m bench.workers` (make bench-workers), `python -m bench.imports` (make bench-import),
`python -m bench.pooler`."""
