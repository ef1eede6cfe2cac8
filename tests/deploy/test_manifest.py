"""The flow declarations are the one source: topics, Kubernetes, Compose, the demo, hooks and routing
agree with them, and a declared process missing from any of them fails here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bcx.kafka.topics import group_topic, load_catalogue
from bcx.manifest import ConsumerProcess, Flow
from bcx_app.cli.processes import deployed
from bcx_app.demo.plan import Ports, build_plan
from consumers.document_index.process import INDEX
from consumers.registry import FLOWS, all_flows, factory_for, use_case_names
from producers.enricher.process import ENRICHER
from producers.enricher.settings import GROUP, EnricherSettings
from routing import load_rules
from routing.conditions import FieldCondition
from tests.deploy import render_k8s
from tests.deploy.support import BASE, COMPOSE, ROOT, by_kind, manifests, pod_spec

CATALOGUE = load_catalogue(ROOT / "deploy" / "topics.yaml")
DEPLOYED = deployed()
K8S_DOCS = manifests(BASE)


def ids(processes: tuple[ConsumerProcess, ...]) -> list[str]:
    return [p.name for p in processes]


class TestDeclarations:
    def test_names_and_groups_are_unique(self) -> None:
        """No two declared processes share a name, a consumer group or a routing name."""
        processes = [ENRICHER, *all_flows()]
        for attribute in ("name", "group"):
            values = [getattr(p, attribute) for p in processes]
            assert len(values) == len(set(values)), attribute
        assert len(use_case_names()) == len(all_flows())

    def test_a_name_is_spelt_once(self) -> None:
        """The group and the routing name are derived from the one kebab-case name."""
        for flow in all_flows():
            assert flow.group == f"bcx-{flow.name}"
            assert flow.use_case == flow.name.replace("-", "_")
        with pytest.raises(ValueError, match="kebab case"):
            Flow(name="order_documents", summary="", input_topics=("t",))

    def test_enricher_declaration_matches_its_settings(self) -> None:
        """The enricher's declared group and input topic are its settings' defaults."""
        defaults = EnricherSettings.model_fields
        assert ENRICHER.group == GROUP  # the settings' group unless BCX_CONSUMER__GROUP_ID overrides it
        assert ENRICHER.input_topics == (defaults["input_topic"].default,)

    def test_built_flows_are_runnable_and_planned_ones_refused(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """`bcx consume` finds a factory for every built flow and refuses a planned one by name (every flow
        of the eight is built, so the planned one is declared here, as the next flow would be)."""
        import consumers.registry
        from bcx.errors import ConfigurationError
        from bcx.manifest import Flow

        for flow in FLOWS:
            assert callable(factory_for(flow.name))
        planned = Flow(name="next-flow", summary="declared before its consumer", input_topics=("t.v1",))
        monkeypatch.setattr(consumers.registry, "PLANNED", (planned,))
        with pytest.raises(ConfigurationError, match="planned"):
            factory_for("next-flow")


class TestTopics:
    def test_every_declared_group_has_its_topics(self) -> None:
        """deploy/topics.yaml lists exactly the declared groups (each gets .dlq/.retry/.ledger topics)."""
        declared = {p.group for p in [*deployed(), *all_flows()]}
        assert set(CATALOGUE.groups) == declared
        assert set(CATALOGUE.group_topics) == {"dlq", "retry", "ledger"}

    @pytest.mark.parametrize(
        "process", [INDEX, ENRICHER, *all_flows()], ids=ids((INDEX, ENRICHER, *all_flows()))
    )
    def test_input_topics_are_in_the_catalogue(self, process: ConsumerProcess) -> None:
        """Each declared input topic is created by `bcx topics apply` (the index also reads groups' DLQs)."""
        names = {t.name for t in CATALOGUE.topics} | {group_topic(g, "dlq") for g in CATALOGUE.groups}
        assert set(process.input_topics) <= names
        assert group_topic(process.group, "dlq") == f"{process.group}.dlq.v1"


class TestKubernetes:
    def test_rendered_manifest_is_current(self) -> None:
        """deploy/k8s/base/consumers.yaml is what templates/consumer.yaml and processes.yaml render to."""
        assert render_k8s.OUTPUT.read_text(encoding="utf-8") == render_k8s.render(), (
            "stale: run `python -m tests.deploy.render_k8s`"
        )

    def test_every_entry_is_a_deployed_process(self) -> None:
        """processes.yaml has an entry for each deployed process and none for anything else."""
        assert set(render_k8s.entries()) == {p.name for p in DEPLOYED}

    @pytest.mark.parametrize("process", DEPLOYED, ids=ids(DEPLOYED))
    def test_each_process_runs_in_the_base(self, process: ConsumerProcess) -> None:
        """A Deployment runs `bcx <argv>` in group <group>, scaled by KEDA on each declared input topic and
        the group's retry topic."""
        deployment = by_kind(K8S_DOCS, "Deployment")[process.group]
        assert pod_spec(deployment)["containers"][0]["args"] == list(process.argv)
        scaled = by_kind(K8S_DOCS, "ScaledObject")[process.group]
        triggers = [t["metadata"] for t in scaled["spec"]["triggers"]]
        assert {t["consumerGroup"] for t in triggers} == {process.group}
        assert [t["topic"] for t in triggers] == [*process.input_topics, f"{process.group}.retry.v1"]
        assert process.group in by_kind(K8S_DOCS, "PodDisruptionBudget")

    def test_hooks_config_enables_only_declared_flows(self) -> None:
        """The hooks ConfigMap's BCX_HOOKS__USE_CASES names the deployed flows that need webhooks (a
        scheduled flow such as account-statements subscribes none)."""
        config = by_kind(K8S_DOCS, "ConfigMap")["bcx-hooks"]["data"]["BCX_HOOKS__USE_CASES"]
        assert config.split(",") == [f.name for f in FLOWS if f.scopes]


class TestCompose:
    @pytest.mark.parametrize("process", DEPLOYED, ids=ids(DEPLOYED))
    def test_each_process_is_a_service(self, process: ConsumerProcess) -> None:
        """The bcx profile has a service named after each deployed process running its command."""
        services: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]
        assert services[process.name]["command"] == list(process.argv)


class TestDemo:
    def test_demo_starts_every_deployed_process(self, tmp_path: Path) -> None:
        """`bcx demo` starts each deployed process with its command and checks its /readyz."""
        health = {p.name: 9000 + i for i, p in enumerate(DEPLOYED)}
        plan = build_plan(
            workdir=tmp_path,
            ports=Ports(1, 2, 3, health),
            bootstrap_servers="127.0.0.1:9",
            registry_url="http://r",
            orders=1,
            seed=1,
            consumers=DEPLOYED,
        )
        specs = {spec.name: spec for spec in plan.processes}
        for process in DEPLOYED:
            assert specs[process.name].argv[-len(process.argv) :] == list(process.argv)
            assert specs[process.name].ready_url == f"http://127.0.0.1:{health[process.name]}/readyz"


def _scopes_tested(condition: Any) -> set[str]:
    if isinstance(condition, FieldCondition) and condition.field == "event.scope":
        values = condition.value if isinstance(condition.value, list | tuple) else [condition.value]
        return {str(v) for v in values if str(v).startswith("store/")}
    return set()


class TestRouting:
    def test_shipped_rules_name_declared_flows_only(self) -> None:
        """The shipped rules load when only the declared flows' names are allowed, and fail otherwise."""
        from routing import RuleFileError

        load_rules(use_cases=use_case_names())
        with pytest.raises(RuleFileError, match="unknown use case 'returns'"):
            load_rules(use_cases=use_case_names() - {"returns"})

    def test_rules_read_only_scopes_their_flow_subscribes(self) -> None:
        """A rule reacting to a webhook scope belongs to a flow that declares that scope (else hooks never
        subscribe it and the rule can never fire)."""
        flows = {flow.use_case: flow for flow in all_flows()}
        for rule in load_rules().rules:
            for condition in rule.when:
                missing = _scopes_tested(condition) - set(flows[rule.use_case].scopes)
                assert not missing, f"rule {rule.name} reads {missing} its flow does not subscribe"
