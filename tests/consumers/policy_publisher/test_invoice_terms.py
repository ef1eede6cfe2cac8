"""Policy text into B2B Edition invoices' termsConditions, over HTTP against the simulators: publish,
unchanged republish (zero writes), a new version, rollback, other invoice fields untouched, new invoices,
hand edits."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from consumers.policy_publisher.operations import status
from consumers.policy_publisher.publisher import Publisher
from consumers.policy_publisher.targets import invoice_text
from simulators.bigcommerce.config import SimulatorConfig as BcConfig
from tests.consumers.policy_publisher.support import STORE, Sims, simulators
from tests.consumers.policy_publisher.test_publisher import TERMS_COMM, Harness

POLICY = "b2b-terms-us"
B2B = {"X-Auth-Token": "sim-access-token", "X-Store-Hash": STORE}


@pytest.fixture
def sims(tmp_path: Path) -> Iterator[Sims]:
    # five companies: a dozen open or partially paid invoices and about as many completed, all on channel 1
    with simulators(tmp_path, BcConfig(orders=5, customers=5, companies=5)) as running:
        yield running


def invoices(sims: Sims) -> dict[int, dict[str, Any]]:
    """Every invoice of the store as the invoice portal serves it (raw JSON, every field)."""
    url = f"{sims.bigcommerce.base_url}/api/v3/io/ip/invoices"
    found = httpx.get(url, headers=B2B, params={"limit": 249}).json()["data"]
    return {int(i["id"]): i for i in found}


def issue_later_invoice(sims: Sims) -> None:
    """B2B issues an invoice after the publication, with the store's default terms."""
    created = httpx.post(
        f"{sims.bigcommerce.base_url}/api/v3/io/ip/invoices",
        headers=B2B,
        json={
            "invoiceNumber": "LATE-1",
            "customerId": "3",
            "originalBalance": {"code": "USD", "value": 10},
            "openBalance": {"code": "USD", "value": 10},
            "issuedAt": 4102444800,  # 2100: after the publication whatever the clock says
            "termsConditions": "store default",
        },
    )
    assert created.status_code == 200


def edit_by_hand(sims: Sims, invoice_id: int, terms: str) -> None:
    url = f"{sims.bigcommerce.base_url}/api/v3/io/ip/invoices/{invoice_id}"
    assert httpx.put(url, headers=B2B, json={"termsConditions": terms}).status_code == 200


def open_terms(sims: Sims) -> set[str]:
    return {i["termsConditions"] for i in invoices(sims).values() if i["status"] in (0, 1)}


class TestInvoiceTerms:
    async def test_publish_sets_the_terms_on_every_open_invoice_and_nothing_else(self, sims: Sims) -> None:
        """Each open invoice gets the policy's plain text (one PUT each); completed invoices and every
        other field of the open ones are exactly as they were."""
        harness = Harness(sims)
        before = invoices(sims)
        doc = await harness.document(POLICY)
        assert await harness.publish(doc) == ["PUBLISHED"]
        after = invoices(sims)
        opened = [i for i, inv in before.items() if inv["status"] in (0, 1)]
        assert len(opened) >= 10
        assert len(opened) < len(before)
        assert sims.invoice_writes() == len(opened)
        text = invoice_text(doc)
        assert "<" not in text
        assert {after[i]["termsConditions"] for i in opened} == {text}
        for invoice_id, old in before.items():
            new = after[invoice_id]
            if invoice_id not in opened:
                assert new == old
            else:
                kept = {k: v for k, v in old.items() if k not in ("termsConditions", "updatedAt")}
                assert {k: new[k] for k in kept} == kept

    async def test_republishing_unchanged_terms_writes_nothing(self, sims: Sims) -> None:
        """A fresh rendering of the same approved version finds every open invoice carrying it: UNCHANGED,
        zero invoice writes."""
        harness = Harness(sims)
        await harness.publish(await harness.document(POLICY))
        writes = sims.invoice_writes()
        assert await harness.publish(await harness.document(POLICY)) == ["UNCHANGED"]
        assert sims.invoice_writes() == writes

    async def test_a_new_version_updates_the_invoices_and_rollback_restores_the_old_text(
        self, sims: Sims
    ) -> None:
        """v2 rewrites the open invoices' terms; rollback writes v1's text back; v2 again is SUPERSEDED."""
        harness = Harness(sims)
        first = await harness.document(POLICY)
        await harness.publish(first)
        sims.set_state(TERMS_COMM, "NEW-DRAFT")
        sims.set_state(TERMS_COMM, "APPROVED")
        second = await harness.document(POLICY)
        assert invoice_text(second) != invoice_text(first)
        assert await harness.publish(second) == ["PUBLISHED"]
        assert open_terms(sims) == {invoice_text(second)}
        opened = sum(inv["status"] in (0, 1) for inv in invoices(sims).values())
        assert sims.invoice_writes() == 2 * opened
        assert await harness.publish(first, "rollback") == ["ROLLED_BACK"]
        assert open_terms(sims) == {invoice_text(first)}
        writes = sims.invoice_writes()
        assert await harness.publish(second) == ["SUPERSEDED"]
        assert sims.invoice_writes() == writes

    async def test_an_invoice_issued_later_is_covered_without_counting_as_drift(self, sims: Sims) -> None:
        """A new invoice with the store's default terms is not a hand edit: status stays in sync, and
        republishing the same version writes that one invoice only."""
        harness = Harness(sims)
        doc = await harness.document(POLICY)
        await harness.publish(doc)
        issue_later_invoice(sims)
        async with sims.bigcommerce_client() as client:
            _, drift = await Publisher(client, harness.history, harness.emit, actor="t").check(
                harness.refs(POLICY)[0]
            )
        assert drift is None
        writes = sims.invoice_writes()
        assert await harness.publish(await harness.document(POLICY)) == ["PUBLISHED"]
        assert sims.invoice_writes() == writes + 1
        assert open_terms(sims) == {invoice_text(doc)}

    async def test_a_hand_edited_invoice_is_drift_refused_and_restored_only_when_asked(
        self, sims: Sims
    ) -> None:
        """An invoice's terms changed in the control panel is reported; a new version is REFUSED; restore
        writes the published text back."""
        harness = Harness(sims)
        first = await harness.document(POLICY)
        await harness.publish(first)
        target = min(i for i, inv in invoices(sims).items() if inv["status"] == 0)
        edit_by_hand(sims, target, "by hand")
        ref = harness.refs(POLICY)[0]
        async with sims.bigcommerce_client() as client:
            _, drift = await Publisher(client, harness.history, harness.emit, actor="t").check(ref)
        assert drift is not None
        assert drift.action.value == "DRIFT_DETECTED"
        sims.set_state(TERMS_COMM, "NEW-DRAFT")
        sims.set_state(TERMS_COMM, "APPROVED")
        assert await harness.publish(await harness.document(POLICY)) == ["REFUSED"]
        assert invoices(sims)[target]["termsConditions"] == "by hand"
        assert await harness.publish(first, "restore") == ["RESTORED"]
        assert open_terms(sims) == {invoice_text(first)}


class TestInvoiceTermsStatus:
    async def test_status_reports_a_hand_edit_and_restore_writes_the_text_back(self, sims: Sims) -> None:
        """What `bcx policies status` runs: in sync after publishing, drifted after an invoice's terms are
        edited by hand (reported once), restored with --restore; only the edited invoice is written."""
        harness = Harness(sims)
        doc = await harness.document(POLICY)
        await harness.publish(doc)
        refs = harness.refs(POLICY)
        async with sims.bigcommerce_client() as client:
            clean = await status(client, harness.history, refs, harness.emit, actor="cli:t")
            edit_by_hand(sims, min(i for i, inv in invoices(sims).items() if inv["status"] == 0), "by hand")
            drifted = await status(client, harness.history, refs, harness.emit, actor="cli:t")
            writes = sims.invoice_writes()
            restored = await status(client, harness.history, refs, harness.emit, actor="cli:t", restore=True)
        assert [item.state for item in clean] == ["in sync"]
        assert [item.state for item in drifted] == ["drifted"]
        assert [item.state for item in restored] == ["restored"]
        assert harness.emit.actions().count("DRIFT_DETECTED") == 1
        assert sims.invoice_writes() == writes + 1
        assert open_terms(sims) == {invoice_text(doc)}
