"""The policy catalogue: the packaged one loads; mistakes are reported at their line, all at once."""

from __future__ import annotations

import pytest

from bcx.errors import ConfigurationError
from consumers.policy_publisher.catalogue import CatalogueError, load_catalogue, parse_catalogue

GOOD_HEAD = """\
stores:
  s1: {name: Shop, legal_entity: Shop Ltd}
policies:
"""


def problems(text: str) -> list[str]:
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue(GOOD_HEAD + text, "cat.yaml")
    return [str(issue) for issue in caught.value.issues]


class TestCatalogue:
    def test_the_packaged_catalogue_loads(self) -> None:
        """The shipped catalogue is valid and publishes terms on two channels and a privacy notice."""
        catalogue = load_catalogue()
        assert [p.id for p in catalogue.policies] == ["terms-us", "terms-ca-qc", "privacy-us", "b2b-terms-us"]
        assert [p.id for p in catalogue.select(channel=2)] == ["terms-ca-qc"]

    def test_a_missing_field_points_at_its_policy(self) -> None:
        """A policy without a locale is reported at the policy's line, naming the field."""
        found = problems(
            """\
  - id: terms
    kind: terms_and_conditions
    communication_id: c1
    region: US
    publish:
      - page: {channel: 1, name: T, url: /t/}
"""
        )
        assert found == ["cat.yaml:4:5: policies[0]: locale: Field required"]

    def test_reference_problems_are_reported_together_at_their_lines(self) -> None:
        """A duplicate page name and a link to a page the policy does not publish both point at their line."""
        found = problems(
            """\
  - id: a
    kind: terms_and_conditions
    communication_id: c1
    region: US
    locale: en-US
    publish:
      - page: {channel: 1, name: Terms, url: /a/}
  - id: b
    kind: privacy_notice
    communication_id: c2
    region: US
    locale: en-US
    publish:
      - page: {channel: 1, name: Terms, url: /b/}
      - checkout_terms: {channel: 2, mode: link}
"""
        )
        assert len(found) == 2
        assert found[0].startswith("cat.yaml:17:")
        assert "page name 'Terms' is not unique" in found[0]
        assert found[1].startswith("cat.yaml:18:")
        assert "link mode needs a page of b on channel 2" in found[1]

    def test_yaml_syntax_errors_and_bad_locales_are_refused(self) -> None:
        """Broken YAML names its line; the error is a configuration error (bcx exits 2)."""
        with pytest.raises(ConfigurationError, match=r"cat\.yaml:2:1: YAML syntax"):
            parse_catalogue("stores: [\n", "cat.yaml")
        found = problems(
            "  - {id: x, kind: k, communication_id: c, region: US, locale: English, publish: [{page: "
            "{channel: 1, name: N, url: /n/}}]}\n"
        )
        assert "locale" in found[0]


class TestDriftScopes:
    def test_scopes_follow_the_catalogue_channels(self) -> None:
        """Page events are subscribed per channel with a page, checkout events per channel with terms."""
        catalogue = parse_catalogue(
            GOOD_HEAD
            + """\
  - id: terms
    kind: terms_and_conditions
    communication_id: c1
    region: US
    locale: en-US
    publish:
      - page: {channel: 3, name: T, url: /t/}
      - checkout_terms: {channel: 3}
      - checkout_terms: {channel: 5, mode: text}
""",
            "cat.yaml",
        )
        assert catalogue.drift_scopes() == (
            "store/channel/3/page/created",
            "store/channel/3/page/updated",
            "store/channel/3/settings/checkout/updated",
            "store/channel/5/settings/checkout/updated",
        )

    def test_the_flow_declares_every_packaged_channel(self) -> None:
        """The flow declaration (what `bcx hooks sync` subscribes) has channel 2's scopes, not only 1's."""
        from consumers.policy_publisher.flow import FLOW

        assert FLOW.scopes == load_catalogue().drift_scopes()
        assert "store/channel/2/settings/checkout/updated" in FLOW.scopes
