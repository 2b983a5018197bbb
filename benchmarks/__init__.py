"""`graph bench`: synthetic data at three sizes, the frontend's operations under wrk, floors.

It lives beside the `graph` package, not in it: the wheel ships without it, and `graph bench`
runs it from a checkout. The charts BENCHMARKS.md shows are written into this folder too.
"""
