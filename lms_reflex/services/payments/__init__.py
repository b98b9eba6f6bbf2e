"""Payments: carts, wishlists, coupons, checkout, the Stripe webhook, bank transfers, refunds.

Modules other layers may use:
- `cart` (the cart and the wishlist)
- `checkout` (quotes with a coupon, and checkout itself)
- `coupons` (making, listing and ending coupons)
- `fulfilment` (`admin_mark_paid` for bank transfers)
- `orders` (an order's page, "My purchases", the admin's order list)
- `refunds`
- `revenue` (money per day and per course)
- `webhooks` (for the webhook route in api/, not for state)

Internal: `pricing` (the arithmetic), `providers` (Stripe and bank transfer), `receipts`
(the PDF). See docs/architecture.md, "Payments", and docs/security.md cases 55 and 70-74.
"""
