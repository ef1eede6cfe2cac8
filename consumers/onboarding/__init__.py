"""The onboarding flow: setup and care guides per product family once an order shipped, warranty
registration notices with a link and QR code, and B2B welcome packs (docs/onboarding.md)."""
