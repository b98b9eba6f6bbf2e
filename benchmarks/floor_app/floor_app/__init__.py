"""A minimal Reflex app: the floor that benchmarks/progress_bench.py compares the LMS to."""
