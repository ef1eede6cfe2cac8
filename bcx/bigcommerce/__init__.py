"""BigCommerce adapter: REST v2/v3 and B2B Edition client (httpx), typed models, webhook signing.

Entry point: :class:`bcx.bigcommerce.client.BigCommerceClient`. Errors: :mod:`bcx.bigcommerce.errors`.
"""
