"""What the letters tell the customer beyond the record: packing instructions per product type, the
label's weight class, and the expected time until refunded money arrives per payment method. Data, in one
place, so a store changes wording here and nowhere else."""

from __future__ import annotations

from collections.abc import Iterable

STANDARD_PACKING = (
    "Pack the items in a sturdy box with padding; seal it and stick the label on the largest side."
)
PACKING: dict[str, str] = {
    "fragile": "Wrap each item in bubble wrap, fill gaps so nothing moves, and mark the box FRAGILE.",
    "electronics": "Include all accessories, cables and manuals; remove personal data and disable "
    "activation locks; use the original box or an antistatic bag inside a padded box.",
    "apparel": "Fold the items with their tags attached; a padded envelope or bag is enough.",
    "footwear": "Put the shoes in their shoebox, then the shoebox in a shipping box (not the shoebox alone).",
    "bulky": "Use the original packaging if you can; the carrier may call to arrange a pick-up.",
    "batteries": "Tape over the terminals; lithium batteries go by ground transport only.",
}

#: (upper bound in grams, class) — the label's weight class, the carrier's price band
_WEIGHT_CLASSES = ((1_000, "S (up to 1 kg)"), (5_000, "M (1–5 kg)"), (20_000, "L (5–20 kg)"))
UNKNOWN_WEIGHT = "unknown (weighed at drop-off)"

#: payment method keyword → expected time to funds (lower-case substring of BigCommerce's payment method)
_TIME_TO_FUNDS = (
    ("store credit", "immediately, as store credit in your account"),
    ("gift certificate", "immediately, on your gift certificate"),
    ("paypal", "3 to 5 business days"),
    ("bank", "3 to 7 business days"),
    ("invoice", "with your next statement, as a credit against open invoices"),
    ("purchase order", "with your next statement, as a credit against open invoices"),
    ("cash", "10 business days, by bank transfer"),
    ("card", "5 to 10 business days, depending on your card issuer"),
)
DEFAULT_TIME_TO_FUNDS = "5 to 10 business days"


def packing_instructions(product_types: Iterable[str]) -> list[dict[str, str]]:
    """One instruction per distinct product type of the return (standard packing when none is known)."""
    seen = sorted({t.lower() for t in product_types if t})
    out = [{"productType": t, "instructions": PACKING.get(t, STANDARD_PACKING)} for t in seen]
    return out or [{"productType": "standard", "instructions": STANDARD_PACKING}]


def weight_class(grams: int) -> str:
    if grams <= 0:
        return UNKNOWN_WEIGHT
    return next((label for bound, label in _WEIGHT_CLASSES if grams <= bound), "XL (over 20 kg)")


def time_to_funds(method: str) -> str:
    lowered = method.lower()
    return next((text for key, text in _TIME_TO_FUNDS if key in lowered), DEFAULT_TIME_TO_FUNDS)
