"""The reference specs the contract tests read are present: skipped without them locally, a failure in CI.

The contract tests themselves skip one by one when a spec is missing (tests/support/required.py); this
names every spec they need in one place, so a CI run without them fails loudly instead of passing thinly.
"""

from __future__ import annotations

import pytest

from tests.support.required import reference

NEEDED = [
    ("exstream", "orchestration-v1.openapi.json"),
    ("exstream", "communication-ondemand-v1.openapi.yaml"),
    ("exstream", "communication-service.postman_collection.json"),
    ("exstream", "sample-driver-data.json"),
    ("bigcommerce", "webhook-callbacks", "list.txt"),
    ("bigcommerce", "webhook-callbacks", "store_order_created.json"),
    ("compose", "compose-spec.json"),
]


class TestReferenceSpecs:
    @pytest.mark.parametrize("parts", NEEDED, ids=lambda parts: "/".join(parts))
    def test_spec_is_present(self, parts: tuple[str, ...]) -> None:
        """Each reference spec the contract tests read exists under BCX_TEST_REFERENCE_DIR."""
        assert reference(*parts).is_file()
