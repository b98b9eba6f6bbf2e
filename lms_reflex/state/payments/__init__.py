"""Payments: buying from the course page and cards, the cart, the wishlist, orders, coupons.

Modules other layers may use:
- `shop` (Buy now, Add to cart, the wishlist heart: ShopState)
- `cart` (the cart page and checkout)
- `orders` (an order's page, which waits for the webhook; My purchases; the wishlist page)
- `admin_orders` (/admin/orders: search, mark bank transfers paid, refunds)
- `coupons` (the coupons page for admins and instructors)
"""
