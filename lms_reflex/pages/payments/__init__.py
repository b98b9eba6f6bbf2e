"""Payments pages: the buyer's cart, order, purchases and wishlist; coupons; admin orders.

Modules other layers may use:
- `shop` (cart, order, My purchases, wishlist)
- `admin_orders` (/admin/orders)
- `coupons` (/coupons, for instructors and admins)
"""
