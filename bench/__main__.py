"""`python -m bench` (make bench): the service against a bare Flask ceiling (bench/run.py)."""

from bench.run import main

main()
