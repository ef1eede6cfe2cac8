"""Order snapshot → Exstream driver data for confirmations, invoices and receipts."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from consumers.documents.money import NBSP
from consumers.order_documents.driver_data import (
    ORDER_CONFIRMATION,
    ORDER_INVOICE,
    PAYMENT_RECEIPT,
    DocumentRequest,
    build_driver_data,
)
from consumers.order_documents.errors import DriverDataError
from tests.consumers.order_documents.factories import hand_made, simulated, simulated_where


def request(document_type: str, locale: str = "en-GB", version: str | None = None) -> DocumentRequest:
    return DocumentRequest(
        document_type, locale, ("email", "archive"), "order_documents:abc123:order:250:x:1", version
    )


class TestCommonSections:
    def test_store_identity_and_support_contact(self) -> None:
        """The store block carries name, address lines, phone, support e-mail and URL."""
        data = build_driver_data(hand_made(), request(ORDER_CONFIRMATION))
        assert data["store"] == {
            "name": "Babbage & Co",
            "addressLines": ["1 Engine Lane", "London N1 9GU", "United Kingdom"],
            "country": "United Kingdom",
            "countryCode": "GB",
            "phone": "+44 20 7946 0000",
            "email": "help@babbage.example",
            "url": "https://babbage.example",
            "storeHash": "abc123",
        }

    def test_lines_taxes_and_totals_in_transactional_currency(self) -> None:
        """Lines, per-rate taxes (lines + shipping summed) and totals are GBP, written for en-GB."""
        data = build_driver_data(hand_made(), request(ORDER_INVOICE))
        line = data["lines"][0]
        assert (line["name"], line["sku"], line["quantity"]) == ("Difference Engine", "DE-1", 2)
        assert line["unitPrice"]["formatted"] == "£50.00"
        assert line["total"]["formatted"] == "£100.00"
        assert data["taxes"] == [
            {
                "name": "VAT",
                "class": "",
                "rate": "20%",
                "ratePercent": "20",
                "amount": {
                    "amount": "22.00",
                    "currency": "GBP",
                    "formatted": "£22.00",
                    "formattedCode": f"GBP{NBSP}22.00",
                },
            }
        ]
        totals = data["totals"]
        assert totals["subtotal"]["formatted"] == "£100.00"
        assert totals["shipping"]["formatted"] == "£10.00"
        assert totals["tax"]["formatted"] == "£22.00"
        assert totals["total"]["formatted"] == "£132.00"
        assert totals["balanceDue"]["amount"] == "0.00"
        assert totals["couponDiscount"] is None

    def test_tax_inclusive_store_shows_gross_prices(self) -> None:
        """With tax-inclusive pricing, unit prices, line totals, subtotal and shipping are gross."""
        data = build_driver_data(hand_made(is_tax_inclusive_pricing=True), request(ORDER_CONFIRMATION))
        assert data["lines"][0]["unitPrice"]["amount"] == "60.00"
        assert data["totals"]["subtotal"]["amount"] == "120.00"
        assert data["totals"]["shipping"]["amount"] == "12.00"
        assert data["totals"]["taxInclusive"] is True

    def test_discounts_and_coupons_are_deductions(self) -> None:
        """Coupons, automatic discounts and line discounts appear as negative amounts."""
        context = hand_made(
            coupon_discount="10.0000",
            discount_amount="5.0000",
            snapshot={
                "coupons": [{"id": 1, "order_id": 250, "code": "SAVE10", "discount": "10.0000"}],
            },
        )
        line = context.snapshot.products[0].model_copy(
            update={"applied_discounts": [{"id": "m", "amount": "1.5900", "name": "Manual"}]}
        )
        context = context.model_copy(
            update={"snapshot": context.snapshot.model_copy(update={"products": [line]})}
        )
        data = build_driver_data(context, request(ORDER_INVOICE))
        assert data["coupons"][0]["code"] == "SAVE10"
        assert data["coupons"][0]["discount"]["formatted"] == "-£10.00"
        assert data["totals"]["couponDiscount"]["amount"] == "-10.00"
        assert data["totals"]["discount"]["amount"] == "-5.00"
        assert data["lines"][0]["discount"]["amount"] == "-1.59"

    def test_addresses_follow_country_conventions(self) -> None:
        """UK addresses put the postcode on its own line; domestic addresses omit the country."""
        data = build_driver_data(hand_made(), request(ORDER_CONFIRMATION))
        assert data["billingAddress"]["name"] == "Ada Lovelace"
        assert data["billingAddress"]["lines"] == ["12 Analytical Row", "London", "N1 9GU"]
        shipping = data["shippingAddresses"][0]
        assert shipping["method"] == "Royal Mail Tracked 24"
        assert shipping["cost"]["formatted"] == "£10.00"

    def test_foreign_addresses_name_the_country(self) -> None:
        """A German customer of a US store: postcode before city, no region, country named."""
        context = simulated_where(lambda c: c.snapshot.order.billing_address.country_iso2 == "DE")
        data = build_driver_data(context, request(ORDER_CONFIRMATION, "de"))
        address = context.snapshot.order.billing_address
        assert data["billingAddress"]["lines"][-2:] == [f"{address.zip} {address.city}", "Germany"]

    def test_dates_are_in_the_store_timezone(self) -> None:
        """The order date is written in the store's zone (London is UTC in March, GMT)."""
        data = build_driver_data(hand_made(), request(ORDER_CONFIRMATION))
        assert data["order"]["placedAt"] == {
            "iso": "2026-03-03T15:30:00+00:00",
            "date": "3 March 2026",
            "dateTime": "3 March 2026, 15:30 GMT",
        }

    def test_customer_is_the_billing_contact_for_guests(self) -> None:
        """A guest order's customer block and recipient come from the billing address."""
        data = build_driver_data(hand_made(), request(ORDER_CONFIRMATION))
        assert data["customer"]["isGuest"] is True
        assert data["customer"]["name"] == "Ada Lovelace"
        assert data["email"] == "ada@example.com"

    def test_delivery_channels_and_reference_come_from_the_request(self) -> None:
        """The routing decision's channels and idempotency key are carried for the delivery step."""
        data = build_driver_data(hand_made(), request(ORDER_CONFIRMATION))
        assert data["deliveryChannels"] == ["email", "archive"]
        assert data["document"]["reference"] == "order_documents:abc123:order:250:x:1"
        assert data["document"]["locale"] == "en-GB"

    def test_payment_status_and_method(self) -> None:
        """The payment block names the status, method and card without full card data."""
        payment = build_driver_data(hand_made(), request(ORDER_CONFIRMATION))["payment"]
        assert payment["statusLabel"] == "Paid"
        assert payment["isPaid"] is True
        assert payment["methodDetail"] == "Mastercard ending in 4444"

    def test_display_currency_equivalent_when_it_differs(self) -> None:
        """When the shopper browsed in another currency, the total is also given in it."""
        context = hand_made(
            currency_code="EUR",
            currency_exchange_rate="1.1500",
            store_default_to_transactional_exchange_rate="1.0000",
        )
        currency = build_driver_data(context, request(ORDER_CONFIRMATION))["currency"]
        assert currency["code"] == "GBP"
        assert currency["display"]["code"] == "EUR"
        assert currency["display"]["total"]["amount"] == f"{Decimal('151.80'):f}"

    def test_driver_data_is_json_and_deterministic(self) -> None:
        """Driver data serialises to JSON and is the same for the same snapshot and request."""
        context = simulated(11)
        first = json.dumps(build_driver_data(context, request(ORDER_INVOICE)), sort_keys=True)
        second = json.dumps(build_driver_data(context, request(ORDER_INVOICE)), sort_keys=True)
        assert first == second

    def test_simulated_totals_add_up(self) -> None:
        """For every simulated order, subtotal + shipping + tax - coupon equals the grand total."""
        for order_id in range(1, 60):
            totals = build_driver_data(simulated(order_id), request(ORDER_CONFIRMATION))["totals"]
            parts = [totals["subtotal"], totals["shipping"], totals["tax"], totals["couponDiscount"]]
            computed = sum((Decimal(p["amount"]) for p in parts if p), Decimal(0))
            assert abs(computed - Decimal(totals["total"]["amount"])) <= Decimal("0.02"), order_id


class TestDocumentBlocks:
    def test_confirmation_is_numbered_after_the_order(self) -> None:
        """The confirmation's number is the order number and its date the order date."""
        data = build_driver_data(hand_made(), request(ORDER_CONFIRMATION))
        assert data["document"]["title"] == "Order confirmation"
        assert data["document"]["number"] == "250"
        assert data["confirmation"]["orderStatus"] == "Awaiting Fulfillment"

    def test_invoice_number_date_and_settlement(self) -> None:
        """The invoice is numbered per order, dated at the capture, and settled when fully paid."""
        data = build_driver_data(hand_made(), request(ORDER_INVOICE))
        assert data["invoice"]["number"] == "INV-000250"
        assert data["invoice"]["issuedAt"]["date"] == "3 March 2026"
        assert data["invoice"]["isSettled"] is True
        assert data["invoice"]["paymentTerms"] == "Paid in full"

    def test_unpaid_invoice_shows_balance_due(self) -> None:
        """An invoice on payment terms (no payment yet) shows the whole total as due."""
        context = hand_made(payment_status="pending", snapshot={"transactions": []})
        data = build_driver_data(context, request(ORDER_INVOICE))
        assert data["invoice"]["isSettled"] is False
        assert data["invoice"]["balanceDue"]["formatted"] == "£132.00"

    def test_receipt_is_for_the_requested_transaction(self) -> None:
        """The receipt names the transaction given as the document version, with amount and method."""
        data = build_driver_data(hand_made(), request(PAYMENT_RECEIPT, version="901"))
        receipt = data["receipt"]
        assert receipt["number"] == "RCT-901"
        assert receipt["transaction"]["amount"]["formatted"] == "£132.00"
        assert receipt["transaction"]["methodLabel"] == "Mastercard ending in 4444"
        assert data["document"]["number"] == "RCT-901"

    def test_receipt_for_unknown_transaction_is_refused(self) -> None:
        """Asking for a receipt of a transaction the order lacks is a permanent driver data error."""
        with pytest.raises(DriverDataError):
            build_driver_data(hand_made(), request(PAYMENT_RECEIPT, version="404"))

    def test_receipt_for_failed_transaction_is_refused(self) -> None:
        """A declined transaction never gets a receipt."""
        context = simulated(7)  # status 6 Declined: one purchase with status error
        failed = str(context.snapshot.transactions[0].id)
        with pytest.raises(DriverDataError):
            build_driver_data(context, request(PAYMENT_RECEIPT, version=failed))

    def test_unknown_document_type_is_refused(self) -> None:
        """Only the three order documents can be built here."""
        with pytest.raises(DriverDataError):
            build_driver_data(hand_made(), request("refund_confirmation"))
