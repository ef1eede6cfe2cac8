"""Publishing policies into the BigCommerce simulator from the Exstream simulator, over HTTP: the issue's
done-when cases (publish, unchanged, new version, rollback, hand edit, unapproved, other settings)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bcx.bigcommerce.models.checkout import ChannelCheckoutSettings
from bcx.contracts.policy_document import PolicyDocument
from bcx.exstream.client import ExstreamClient
from consumers.policy_publisher.history import History
from consumers.policy_publisher.publisher import Publisher
from consumers.policy_publisher.render import Refusal, Renderer
from consumers.policy_publisher.targets import TargetRef, targets_of
from simulators.bigcommerce.config import RateLimitConfig
from simulators.bigcommerce.config import SimulatorConfig as BcConfig
from tests.consumers.policy_publisher.support import STORE, Collector, Sims, simulators

TERMS_COMM = "5f0c2d0e-7a43-4c55-9b1e-2a6f3f5d7c01"


@pytest.fixture
def sims(tmp_path: Path) -> Iterator[Sims]:
    with simulators(tmp_path) as running:
        yield running


class Harness:
    """One render-and-publish round trip per call, on a shared in-memory history."""

    def __init__(self, sims: Sims) -> None:
        self.sims = sims
        self.history = History()
        self.emit = Collector(self.history)

    async def render(self, policy_id: str) -> PolicyDocument | Refusal:
        policy = self.sims.catalogue.policy(policy_id)
        async with ExstreamClient(self.sims.exstream_settings()) as exstream:
            result = await Renderer(exstream, actor="test").render(
                policy, STORE, self.sims.catalogue.stores[STORE]
            )
        if isinstance(result, PolicyDocument):
            self.history.add_document(result)
        return result

    async def document(self, policy_id: str) -> PolicyDocument:
        result = await self.render(policy_id)
        assert isinstance(result, PolicyDocument), result
        return result

    def refs(self, policy_id: str) -> list[TargetRef]:
        return targets_of(self.sims.catalogue.policy(policy_id), STORE)

    async def publish(self, doc: PolicyDocument, mode: str = "publish") -> list[str]:
        async with self.sims.bigcommerce_client() as client:
            publications = await Publisher(client, self.history, self.emit, actor="test").apply(
                doc,
                self.refs(doc.policy),
                mode,  # type: ignore[arg-type]
            )
        return [p.action.value for p in publications]

    async def page_body(self, url: str, channel: int = 1) -> str | None:
        async with self.sims.bigcommerce_client() as client:
            pages = await client.list_pages(STORE, channel_id=channel)
        return next(p.body for p in pages if p.url == url)

    async def checkout(self, channel: int) -> ChannelCheckoutSettings:
        async with self.sims.bigcommerce_client() as client:
            return await client.get_channel_checkout_settings(STORE, channel)


class TestPublish:
    async def test_publish_writes_the_page_and_the_checkout_link(self, sims: Sims) -> None:
        """The terms page carries the approved HTML and the checkout's terms link points at it: two writes."""
        harness = Harness(sims)
        doc = await harness.document("terms-us")
        assert await harness.publish(doc) == ["PUBLISHED", "PUBLISHED"]
        assert await harness.page_body("/terms-and-conditions/") == doc.html
        terms = await harness.checkout(1)
        assert terms.is_order_terms_and_conditions_enabled is True
        assert terms.order_terms_and_conditions_link == "/terms-and-conditions/"
        assert sims.writes() == 2
        assert doc.approval_reference == f"{TERMS_COMM}@v1"

    async def test_republishing_unchanged_content_writes_nothing(self, sims: Sims) -> None:
        """A fresh rendering of the same approved version has the same hash: UNCHANGED, zero writes."""
        harness = Harness(sims)
        await harness.publish(await harness.document("terms-us"))
        writes = sims.writes()
        again = await harness.document("terms-us")
        assert await harness.publish(again) == ["UNCHANGED", "UNCHANGED"]
        assert sims.writes() == writes

    async def test_text_mode_puts_the_policy_text_into_the_checkout(self, sims: Sims) -> None:
        """The Québec terms land on channel 2's page and, as plain French text, in its checkout textarea."""
        harness = Harness(sims)
        doc = await harness.document("terms-ca-qc")
        assert await harness.publish(doc) == ["PUBLISHED", "PUBLISHED"]
        terms = await harness.checkout(2)
        assert terms.order_terms_and_conditions_type == "textarea"
        assert "Conditions générales de vente" in (terms.order_terms_and_conditions_textarea or "")
        assert "<" not in (terms.order_terms_and_conditions_textarea or "")


class TestVersions:
    async def test_a_new_approved_version_replaces_the_old_and_rollback_restores_it(self, sims: Sims) -> None:
        """v2 replaces v1; rollback writes v1 back; replaying or re-rendering v2 afterwards is SUPERSEDED."""
        harness = Harness(sims)
        first = await harness.document("terms-us")
        await harness.publish(first)
        sims.set_state(TERMS_COMM, "NEW-DRAFT")
        sims.set_state(TERMS_COMM, "APPROVED")
        second = await harness.document("terms-us")
        assert second.version == 2
        assert second.content_hash != first.content_hash
        # the checkout link does not change with the page's text
        assert await harness.publish(second) == ["PUBLISHED", "UNCHANGED"]
        assert await harness.page_body("/terms-and-conditions/") == second.html
        page_ref = harness.refs("terms-us")[0]
        source = harness.history.rollback_source(page_ref.key)
        assert source is not None
        assert source.version == 1
        kept = harness.history.document(source.document_id)
        assert kept == first
        assert await harness.publish(kept, "rollback") == ["ROLLED_BACK", "UNCHANGED"]
        assert await harness.page_body("/terms-and-conditions/") == first.html
        writes = sims.writes()
        assert await harness.publish(second) == ["SUPERSEDED", "UNCHANGED"]
        # re-rendering the retired version (same text, new document) does not undo the rollback either
        assert await harness.publish(await harness.document("terms-us")) == ["SUPERSEDED", "UNCHANGED"]
        assert sims.writes() == writes
        assert harness.history.rollback_source(page_ref.key) is None


class TestRateLimits:
    async def test_publishing_within_a_tiny_rate_budget_still_completes(self, tmp_path: Path) -> None:
        """With two requests per window, every write still lands: the client waits and never fails."""
        tight = BcConfig(
            orders=5, customers=5, companies=1, rate_limit=RateLimitConfig(quota=2, window_ms=300)
        )
        with simulators(tmp_path, tight) as sims:
            harness = Harness(sims)
            doc = await harness.document("terms-us")
            assert await harness.publish(doc) == ["PUBLISHED", "PUBLISHED"]
            assert await harness.page_body("/terms-and-conditions/") == doc.html
            assert sims.stats()["requests"] >= 4


class TestGovernance:
    async def test_an_unapproved_communication_is_refused_and_never_rendered(self, sims: Sims) -> None:
        """In REVIEW the terms are refused with the reason; Exstream generates nothing, nothing is written."""
        harness = Harness(sims)
        sims.set_state(TERMS_COMM, "REVIEW")
        result = await harness.render("terms-us")
        assert isinstance(result, Refusal)
        assert "no APPROVED version (version 1 is REVIEW)" in result.detail
        assert result.publication.action.value == "REFUSED"
        assert sims.exstream.simulator.documents() == []
        assert sims.writes() == 0

    async def test_a_hand_edited_page_is_reported_kept_and_restored_only_when_asked(self, sims: Sims) -> None:
        """A control-panel edit is reported once; a new version is REFUSED there; restore writes it back."""
        harness = Harness(sims)
        first = await harness.document("terms-us")
        await harness.publish(first)
        page_ref = harness.refs("terms-us")[0]
        async with sims.bigcommerce_client() as client:
            page = next(
                p for p in await client.list_pages(STORE, channel_id=1) if p.url == "/terms-and-conditions/"
            )
            await client.http.request(
                STORE, "v3", "PUT", f"/content/pages/{page.id}", json={"body": "<p>hand</p>"}
            )
            publisher = Publisher(client, harness.history, harness.emit, actor="test")
            _, drift = await publisher.check(page_ref)
            _, repeated = await publisher.check(page_ref)
        assert drift is not None
        assert drift.action.value == "DRIFT_DETECTED"
        assert drift.version == 1
        assert repeated is None
        sims.set_state(TERMS_COMM, "NEW-DRAFT")
        sims.set_state(TERMS_COMM, "APPROVED")
        assert await harness.publish(await harness.document("terms-us")) == ["REFUSED", "UNCHANGED"]
        assert await harness.page_body("/terms-and-conditions/") == "<p>hand</p>"
        assert await harness.publish(first, "restore") == ["RESTORED", "UNCHANGED"]
        assert await harness.page_body("/terms-and-conditions/") == first.html

    async def test_other_checkout_settings_are_left_untouched(self, sims: Sims) -> None:
        """Settings changed by others before the publication keep their values; only the terms fields move."""
        harness = Harness(sims)
        others = ChannelCheckoutSettings(
            guest_checkout_type="disallow",
            policy_consent="explicit",
            order_confirmation_contact_email="x@y.z",
        )
        async with sims.bigcommerce_client() as client:
            await client.update_channel_checkout_settings(STORE, 1, others)
        before = (await harness.checkout(1)).model_dump()
        await harness.publish(await harness.document("terms-us"))
        after = (await harness.checkout(1)).model_dump()
        terms = {
            "is_order_terms_and_conditions_enabled",
            "order_terms_and_conditions_type",
            "order_terms_and_conditions_link",
        }
        assert {k: v for k, v in after.items() if k not in terms} == {
            k: v for k, v in before.items() if k not in terms
        }
        assert after["guest_checkout_type"] == "disallow"
