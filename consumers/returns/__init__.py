"""The returns flow (``bcx consume returns``): return authorisations, refusal letters, shipping labels,
exchange instructions from ``commerce.returns.v1`` and refund confirmations from ``commerce.refunds.v1``.
See docs/returns.md."""
