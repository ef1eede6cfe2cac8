"""Pure parts: plain text for the checkout, only changed checkout fields, history and rollback choice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bcx.bigcommerce.models.checkout import ChannelCheckoutSettings
from bcx.contracts.policy_publication import (
    PolicyPublication,
    PublicationAction,
    PublicationTarget,
    TargetKind,
)
from consumers.policy_publisher.history import History
from consumers.policy_publisher.targets import checkout_changes, plain_text

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def publication(action: PublicationAction, version: int, minutes: int) -> PolicyPublication:
    return PolicyPublication(
        publication_id=f"{action}-{version}-{minutes}",
        occurred_at=T0 + timedelta(minutes=minutes),
        action=action,
        actor="t",
        store_hash="s",
        policy="p",
        region="US",
        locale="en-US",
        version=version,
        content_hash=f"h{version}",
        target=PublicationTarget(kind=TargetKind.PAGE, channel_id=1, page_id=2),
        document_id=f"d{version}",
    )


class TestTargets:
    def test_plain_text_keeps_words_and_paragraphs_without_markup(self) -> None:
        """Block ends become line breaks, entities are decoded, tags and blank lines vanish."""
        html = "<section><h1>Terms</h1>\n<p>Prices &amp; taxes  apply.</p><p>Version 2.</p></section>"
        assert plain_text(html) == "Terms\nPrices & taxes apply.\nVersion 2."

    def test_only_differing_checkout_fields_are_sent(self) -> None:
        """A field already at its desired value is left out of the PUT body."""
        desired = ChannelCheckoutSettings(
            is_order_terms_and_conditions_enabled=True, order_terms_and_conditions_link="/t/"
        )
        current = ChannelCheckoutSettings(
            is_order_terms_and_conditions_enabled=True,
            order_terms_and_conditions_link="",
            checkout_type="one_page",
        )
        assert checkout_changes(desired, current).model_dump(exclude_none=True) == {
            "order_terms_and_conditions_link": "/t/"
        }


class TestHistory:
    def test_rollback_goes_to_the_version_served_before_and_no_further(self) -> None:
        """After v1, v2 the source is v1; after rolling back to v1 there is nothing older."""
        history = History()
        history.add_publication(publication(PublicationAction.PUBLISHED, 1, 0))
        history.add_publication(publication(PublicationAction.PUBLISHED, 2, 5))
        key = publication(PublicationAction.PUBLISHED, 1, 0).key
        source = history.rollback_source(key)
        assert source is not None
        assert source.version == 1
        history.add_publication(publication(PublicationAction.ROLLED_BACK, 1, 9))
        assert history.rollback_source(key) is None
        assert history.max_version(key) == 2

    def test_duplicates_are_ignored_and_refusals_do_not_count_as_served(self) -> None:
        """A publication read twice counts once; a REFUSED decision leaves the last served as it was."""
        history = History()
        first = publication(PublicationAction.PUBLISHED, 1, 0)
        history.add_publication(first)
        history.add_publication(first)
        history.add_publication(publication(PublicationAction.REFUSED, 2, 3))
        assert len(history.publications(first.key)) == 2
        assert history.last_serving(first.key) == first
