"""The order-exceptions flow: formal notices for cancelled, declined, held and disputed orders, split
shipments and delayed orders (docs/order-exceptions.md)."""
