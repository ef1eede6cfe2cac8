"""Locale resolution: customer locale, fallback chain, store default, regional override."""

from __future__ import annotations

from routing import evaluate, parse_rules
from tests.routing.factories import MINIMAL, customer, default_rules, order_facts


def _locale(**customer_overrides: object) -> str:
    facts = order_facts(customer_facts=customer(**customer_overrides))
    doc = evaluate(default_rules(), facts).document("order_confirmation")
    assert doc is not None
    return doc.locale


class TestLocale:
    def test_supported_locale_is_used(self) -> None:
        """A supported customer locale is used as is."""
        assert _locale(locale="fr-CA", country="CA", region="CA-ON") == "fr-CA"

    def test_falls_back_to_language(self) -> None:
        """fr-BE is not supported, so its language fr is used."""
        assert _locale(locale="fr-BE", country="BE") == "fr"

    def test_case_and_underscore_are_normalised(self) -> None:
        """de_de is read as de-DE and falls back to de."""
        assert _locale(locale="de_de") == "de"

    def test_unsupported_language_falls_back_to_default(self) -> None:
        """A language without templates falls back to the rule set default."""
        assert _locale(locale="ja-JP", country="JP") == "en"

    def test_no_locale_uses_default(self) -> None:
        """A customer without a locale gets the default."""
        assert _locale(locale=None) == "en"

    def test_quebec_requires_french(self) -> None:
        """Customers in Québec get French whatever their stated locale, with the reason."""
        facts = order_facts(customer_facts=customer(locale="en-CA", country="CA", region="CA-QC"))
        doc = evaluate(default_rules(), facts).document("order_confirmation")
        assert doc is not None
        assert doc.locale == "fr-CA"
        assert doc.locale_steps[0].policy == "quebec-french"
        assert "Charter of the French Language" in doc.locale_steps[0].reason

    def test_store_default_before_global_default(self) -> None:
        """A store's default locale comes before the rule set's default in the chain."""
        rules = parse_rules(
            MINIMAL.replace("  supported: [en, fr]", "  supported: [en, fr]\n  stores: {abc123: fr}")
        )
        facts = order_facts(customer_facts=customer(locale="es-MX"))
        doc = evaluate(rules, facts).document("order_confirmation")
        assert doc is not None
        assert doc.locale == "fr"
        assert [s.effect for s in doc.locale_steps] == ["requested es-MX", "skip es-MX", "skip es", "use fr"]

    def test_locale_selects_communication(self) -> None:
        """A communication restricted to a language is chosen for a regional variant of it."""
        text = MINIMAL.replace(
            "      - communication_id: c-1",
            "      - communication_id: c-fr\n        driver_data_source: DriverFR\n        locales: [fr]\n"
            "      - communication_id: c-1",
        ).replace("supported: [en, fr]", "supported: [en, fr, fr-CA]")
        facts = order_facts(customer_facts=customer(locale="fr-CA"))
        doc = evaluate(parse_rules(text), facts).document("order_confirmation")
        assert doc is not None
        assert doc.communication_id == "c-fr"
