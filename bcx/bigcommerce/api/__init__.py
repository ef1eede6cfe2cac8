"""Resource groups of :class:`bcx.bigcommerce.client.BigCommerceClient`, one module per API area."""
