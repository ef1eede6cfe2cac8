"""Approval states of communications: the simulator's design-asset service and bcx's client of it."""

from __future__ import annotations

import functools
import json
from typing import Any

import httpx
import pytest
from openapi_schema_validator import OAS30Validator

from bcx.exstream import ExstreamClient, ExstreamSettings
from bcx.exstream.design import DesignApi
from bcx.exstream.errors import ExstreamRequestError
from simulators.exstream import RunningSimulator
from simulators.exstream.config import POLICY_COMMUNICATIONS
from tests.support.required import reference

TERMS = next(iter(POLICY_COMMUNICATIONS))
DRIVER = {
    "policy": "terms",
    "locale": "en-US",
    "region": "US",
    "store": {"name": "S", "legal_entity": "S Inc"},
}


@functools.cache
def _design() -> dict[str, Any]:
    """The official design (DAS) spec; skips (fails under CI) where the reference specs are absent."""
    spec: dict[str, Any] = json.loads(reference("exstream", "design-v1.openapi.json").read_text())
    return spec


def strict(component: str, instance: Any) -> None:
    """Valid under the DAS schema, formats checked, and no field the schema does not declare."""
    components = _design()["components"]
    schema = {"$ref": f"#/components/schemas/{component}", "components": components}
    OAS30Validator(schema, format_checker=OAS30Validator.FORMAT_CHECKER).validate(instance)
    declared = set(components["schemas"]["ResourceVersion"]["properties"])
    items = instance["data"] if isinstance(instance["data"], list) else [instance["data"]]
    for item in items:
        assert set(item) <= declared, set(item) - declared


async def _token(client: ExstreamClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {await client.tokens.token()}"}


async def _set_state(settings: ExstreamSettings, comm: str, state: str) -> Any:
    async with ExstreamClient(settings) as client:
        response = await client.http_client.put(
            settings.design_url(f"/api/v1/resources/default/{comm}/state"),
            json={"state": state, "auditedComment": "test", "locked": False},
            headers=await _token(client),
        )
    assert response.status_code == 200, response.text
    return response.json()


class TestDesignContract:
    async def test_resource_reads_and_workflow_answers_match_the_das_spec(
        self, client_settings: ExstreamSettings
    ) -> None:
        """The approved-communications listing, one resource and a state change validate strictly."""
        async with ExstreamClient(client_settings) as client:
            listing = await client.http_client.get(
                client_settings.design_url("/api/v1/resources/default"),
                params={
                    "filter.types": "exstrapplication",
                    "filter.states": "APPROVED",
                    "filter.latestVersion": "true",
                    "count": 100,
                    "offset": 0,
                },
                headers=await _token(client),
            )
            one = await client.http_client.get(
                client_settings.design_url(f"/api/v1/resources/default/{TERMS}"), headers=await _token(client)
            )
        assert listing.status_code == 200
        strict("PageResponseResourceVersion", listing.json())
        assert {r["id"] for r in listing.json()["data"]} == set(POLICY_COMMUNICATIONS)
        strict("DataResponseResourceVersion", one.json())
        strict("DataResponseResourceVersion", await _set_state(client_settings, TERMS, "REVIEW"))

    async def test_calls_without_a_token_are_refused(self, sim: RunningSimulator) -> None:
        """The DAS, like orchestration, answers 401 without a bearer token."""
        async with httpx.AsyncClient() as http:
            response = await http.get(f"{sim.base_url}/design/api/v1/resources/default")
        assert response.status_code == 401


class TestApproval:
    async def test_approved_communication_reports_its_version_and_reference(
        self, client_settings: ExstreamSettings
    ) -> None:
        """A shipped policy communication is APPROVED at version 1; the reference names both."""
        async with ExstreamClient(client_settings) as client:
            found = await DesignApi(client).approved_version(TERMS)
        assert found is not None
        assert (found.version, found.approved) == (1, True)
        assert found.approval_reference == f"{TERMS}@v1"

    async def test_a_draft_without_approved_version_is_refused_by_generation(
        self, client_settings: ExstreamSettings
    ) -> None:
        """Back in REVIEW the communication has no approved version: client and generation both refuse it."""
        await _set_state(client_settings, TERMS, "REVIEW")
        async with ExstreamClient(client_settings) as client:
            design = DesignApi(client)
            assert await design.approved_version(TERMS) is None
            latest = await design.latest_version(TERMS)
            assert latest is not None
            assert latest.state == "REVIEW"
            with pytest.raises(ExstreamRequestError):
                await client.generate(communication_id=TERMS, driver_data_source="Driver", driver_data=DRIVER)

    async def test_a_new_approved_version_is_what_renders(self, client_settings: ExstreamSettings) -> None:
        """Editing makes a DRAFT v2 (v1 still renders); approving it makes v2 the rendered version."""
        async with ExstreamClient(client_settings) as client:
            edit = await client.http_client.put(
                client_settings.design_url(f"/api/v1/resources/default/{TERMS}"),
                json={"content": "new wording"},
                headers=await _token(client),
            )
            assert edit.json()["data"]["state"] == "DRAFT"
            first = await client.generate(
                communication_id=TERMS, driver_data_source="Driver", driver_data=DRIVER
            )
            await _set_state(client_settings, TERMS, "APPROVED")
            second = await client.generate(
                communication_id=TERMS, driver_data_source="Driver", driver_data=DRIVER
            )
            approved = await DesignApi(client).approved_version(TERMS)
        html_1, html_2 = first.first("text/html"), second.first("text/html")
        assert html_1 is not None
        assert html_2 is not None
        assert b'data-version="1"' in html_1.content
        assert b'data-version="2"' in html_2.content
        assert approved is not None
        assert approved.version == 2

    async def test_communications_without_a_workflow_still_render(
        self, client_settings: ExstreamSettings
    ) -> None:
        """A communication unknown to the design service renders as before (templates need no DAS entry)."""
        async with ExstreamClient(client_settings) as client:
            assert await DesignApi(client).approved_version("order-confirmation") is None
            result = await client.generate(
                communication_id="order-confirmation", driver_data_source="Driver", driver_data={"a": 1}
            )
        assert result.first("application/pdf") is not None
