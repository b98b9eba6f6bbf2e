"""Paid courses (docs/architecture.md, "Payments").

Modules: pricing (totals and coupon arithmetic, no database).
"""
