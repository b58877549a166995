"""The site as `benchmarks/scale.py` serves it: the product's settings and addresses, plus the
baselines it measures against and a query count on every answer. Never part of the product."""
