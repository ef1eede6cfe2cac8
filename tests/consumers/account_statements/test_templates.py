"""The Exstream simulator's aging-notice template escalates its wording with the oldest past-due bucket."""

from __future__ import annotations

import io
import json
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from bcx.bigcommerce.models import StoreInformation
from consumers.account_statements.driver_data import StatementInput, build_driver_data
from consumers.account_statements.period import Period
from consumers.account_statements.statement import company_account
from simulators.exstream.templates import TemplateRegistry
from tests.consumers.account_statements.fixture import PERIOD, fixture_invoices
from tests.consumers.account_statements.test_decide import company
from tests.consumers.account_statements.test_statement import as_invoices

NOTICE = "9e2f4a6b-8c1d-4e3f-a5b7-c9d1e3f5a7b9"
STORE = StoreInformation.model_validate(
    {"id": "s1", "name": "Acme Wholesale", "currency": "USD", "timezone": {"name": "America/Chicago"}}
)
CASES = [
    ("FIX-B", "PAYMENT REMINDER"),
    ("FIX-C", "OVERDUE"),
    ("FIX-D", "FINAL NOTICE"),
    ("FIX-E", "COLLECTION"),
]


class TestAgingNoticeTemplate:
    @pytest.mark.parametrize(("invoice", "wording"), CASES)
    def test_wording_escalates_with_the_oldest_bucket(self, invoice: str, wording: str) -> None:
        """One past-due invoice per bucket: the PDF's title and text escalate from reminder to collection."""
        rows = [r for r in fixture_invoices(7) if r["invoiceNumber"] == invoice]
        account = company_account(as_invoices(rows), [], Period.parse(PERIOD), ZoneInfo("America/Chicago"))
        data = build_driver_data(
            StatementInput(
                document_type="aging_notice",
                locale="en-US",
                channels=("email",),
                reference="k",
                edition=PERIOD,
                period=Period.parse(PERIOD),
                store=STORE,
                company=company(),
                account=account,
                credit=None,
                terms=None,
            )
        )
        rendered = (
            TemplateRegistry()
            .get(NOTICE)
            .render(json.loads(json.dumps(data)), communication_id=NOTICE, reference="k")
        )
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(rendered.pdf)).pages)
        assert wording in text.upper()
        assert invoice in text
