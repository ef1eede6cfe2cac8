"""deploy/monitoring: alerts and dashboard parse as PromQL, using only metrics and labels bcx exports."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import promql_parser
import pytest
from prometheus_client import CollectorRegistry

from bcx.exstream.metrics import ExstreamMetrics
from consumers.marketing.metrics import MarketingMetrics
from consumers.runtime.metrics import DocumentMetrics
from consumers.stream.metrics import RuntimeMetrics
from producers.enricher.metrics import EnricherMetrics
from producers.webhook_bridge.metrics import BridgeMetrics
from tests.deploy.support import MONITORING, ROOT, load_documents

#: each process's metrics class, built on a fresh registry; a test keeps this in step with the metrics modules
METRICS: dict[str, Callable[[CollectorRegistry], object]] = {
    "producers.webhook_bridge.metrics": BridgeMetrics,
    "producers.enricher.metrics": EnricherMetrics,
    "consumers.stream.metrics": lambda registry: RuntimeMetrics(registry, "bcx-test"),
    "consumers.runtime.metrics": lambda registry: DocumentMetrics(registry, "bcx-test"),  # document flows
    "bcx.exstream.metrics": ExstreamMetrics,  # served by the document consumers, next to RuntimeMetrics
    "consumers.marketing.metrics": MarketingMetrics,  # retention and catalogs: suppressions by reason
}
#: labels Prometheus adds at scrape time (target labels; bcx_io_consumer_group from the PodMonitor)
TARGET_LABELS = {
    "job",
    "instance",
    "namespace",
    "pod",
    "container",
    "service",
    "endpoint",
    "bcx_io_consumer_group",
}
#: series that come from Prometheus itself or kube-state-metrics, not from bcx
EXTERNAL: dict[str, set[str]] = {
    "up": set(),
    "kube_cronjob_status_last_successful_time": {"cronjob"},
    "kube_deployment_spec_replicas": {"deployment"},
    "kube_deployment_status_replicas_available": {"deployment"},
}
SUFFIXES = {"counter": ("_total", "_created"), "histogram": ("_bucket", "_sum", "_count", "_created")}
_BY = promql_parser.AggModifierType.By
GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$__range": "1h", "$__interval": "1m", "$group": ".*"}


def exported_series() -> dict[str, set[str]]:
    """Every series name the processes export → its label names (``le`` for histogram buckets)."""
    registry = CollectorRegistry()
    for build in METRICS.values():
        build(registry)
    series: dict[str, set[str]] = {}
    for collector in list(registry._collector_to_names):
        # prometheus_client's metrics keep their label names in _labelnames; our own collectors (the
        # processing loop's histogram) declare them as labelnames
        labels = set(getattr(collector, "_labelnames", ()) or getattr(collector, "labelnames", ()))
        for family in collector.describe():  # type: ignore[attr-defined]
            suffixes = SUFFIXES.get(family.type, ("",))
            for suffix in suffixes:
                series[family.name + suffix] = labels | ({"le"} if suffix == "_bucket" else set())
    return series


SERIES = exported_series()


def selectors(expr: Any) -> Iterator[Any]:
    """Every vector selector in a parsed PromQL expression."""
    if isinstance(expr, promql_parser.VectorSelector):
        yield expr
        return
    for attribute in ("lhs", "rhs", "expr", "vector_selector", "param"):
        child = getattr(expr, attribute, None)
        if child is not None:
            yield from selectors(child)
    for child in getattr(expr, "args", None) or []:
        yield from selectors(child)


def grouping_labels(expr: Any) -> Iterator[str]:
    """Labels named in ``by (…)`` of aggregations."""
    modifier = getattr(expr, "modifier", None)
    if isinstance(expr, promql_parser.AggregateExpr) and modifier is not None and modifier.type == _BY:
        yield from modifier.labels
    for attribute in ("lhs", "rhs", "expr", "vector_selector", "param"):
        child = getattr(expr, attribute, None)
        if child is not None:
            yield from grouping_labels(child)
    for child in getattr(expr, "args", None) or []:
        yield from grouping_labels(child)


def check_expression(text: str) -> list[str]:
    """Problems in one expression: unknown metrics, labels a metric does not have, unknown grouping labels."""
    for variable, value in GRAFANA_VARIABLES.items():
        text = text.replace(variable, value)
    parsed = promql_parser.parse(text)
    problems: list[str] = []
    labels_here = set(TARGET_LABELS)
    for selector in selectors(parsed):
        known = SERIES.get(selector.name, EXTERNAL.get(selector.name))
        if known is None:
            problems.append(f"unknown metric {selector.name}")
            continue
        labels_here |= known
        for matcher in selector.matchers.matchers:
            if matcher.name not in known | TARGET_LABELS:
                problems.append(f"{selector.name} has no label {matcher.name}")
    problems += [
        f"no metric here has label {label}" for label in grouping_labels(parsed) if label not in labels_here
    ]
    return problems


def alert_rules() -> list[dict[str, Any]]:
    (rule,) = load_documents(MONITORING / "alerts.yaml")
    assert rule["kind"] == "PrometheusRule"
    return [r for group in rule["spec"]["groups"] for r in group["rules"]]


def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((MONITORING / "grafana-dashboard.json").read_text(encoding="utf-8"))
    return loaded


def panels(board: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in board["panels"]:
        yield panel
        yield from panel.get("panels", [])


def dashboard_expressions() -> list[str]:
    return [t["expr"] for p in panels(dashboard()) for t in p.get("targets", [])]


def heading_anchors(path: Path) -> set[str]:
    """GitHub's anchors for the Markdown headings of ``path``."""
    anchors = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            anchors.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return anchors


class TestMetricCatalogue:
    def test_every_metrics_module_is_checked(self) -> None:
        """Each process's metrics.py is in METRICS, so alerts can be checked against all of them."""
        modules = {
            ".".join(path.relative_to(ROOT).with_suffix("").parts)
            for top in ("bcx", "producers", "consumers", "routing", "simulators")
            for path in (ROOT / top).rglob("metrics.py")
        }
        assert modules - {"bcx.metrics"} == set(METRICS)  # bcx.metrics is the shared exposition plumbing

    def test_the_catalogue_knows_the_exported_names(self) -> None:
        """Counters appear with _total and histograms with _bucket, as Prometheus scrapes them."""
        assert "bcx_bridge_requests_total" in SERIES
        assert SERIES["bcx_consumer_processing_seconds_bucket"] == {"group", "le"}
        assert SERIES["bcx_consumer_dead_letters_total"] == {"group", "stage", "error_class"}
        assert SERIES["bcx_exstream_request_duration_seconds_bucket"] == {"operation", "status", "le"}
        assert SERIES["bcx_exstream_circuit_state"] == {"endpoint"}
        assert SERIES["bcx_documents_total"] == {"use_case", "document_type", "channel", "outcome"}

    def test_the_check_catches_mistakes(self) -> None:
        """A misspelt metric, a label the metric lacks, or a bad grouping label is reported."""
        assert check_expression("rate(bcx_bridge_request_total[5m])") == [
            "unknown metric bcx_bridge_request_total"
        ]
        assert check_expression('bcx_consumer_lag_records{store="x"}')
        assert check_expression("sum by (store) (bcx_consumer_lag_records)")
        assert not check_expression('sum by (group) (bcx_consumer_lag_records{group=~"bcx-.*"})')


class TestAlerts:
    @pytest.mark.parametrize("rule", alert_rules(), ids=lambda r: r["alert"])
    def test_alert_is_actionable(self, rule: dict[str, Any]) -> None:
        """Every alert has a severity, a summary, a description and a runbook section that exists."""
        assert rule["labels"]["severity"] in {"critical", "warning"}
        annotations = rule["annotations"]
        assert annotations["summary"]
        assert len(annotations["description"]) > 40
        anchor = re.match(r"docs/operations\.md#([\w-]+)", annotations["runbook"])
        assert anchor, "the runbook names a section of docs/operations.md"
        assert anchor.group(1) in heading_anchors(ROOT / "docs" / "operations.md")

    @pytest.mark.parametrize("rule", alert_rules(), ids=lambda r: r["alert"])
    def test_alert_expression_names_real_metrics(self, rule: dict[str, Any]) -> None:
        """The expression parses and uses only metrics and labels the processes export."""
        assert check_expression(rule["expr"]) == []

    def test_required_alerts_exist(self) -> None:
        """The alerts operators need: blocklist threshold and early warning, 503s, lag, DLQ, cap, Exstream,
        result publishing, enricher rate limiting."""
        rules = {r["alert"]: r for r in alert_rules()}
        critical = rules["BcxWebhookSuccessRatioBelowBlocklist"]
        assert "< 0.90" in critical["expr"]
        assert ">= 100" in critical["expr"]
        assert critical["labels"]["severity"] == "critical"
        assert "< 0.97" in rules["BcxWebhookSuccessRatioLow"]["expr"]
        for name in (
            "BcxBridgeUnavailable",
            "BcxConsumerLagGrowing",
            "BcxConsumerDeadLetters",
            "BcxConsumerDlqCapTripped",
            "BcxConsumerDown",
            "BcxExstreamErrors",
            "BcxExstreamCircuitOpen",
            "BcxExstreamSlow",
            "BcxResultPublishingFailing",
            "BcxDocumentDeliveryFailing",
            "BcxEnricherRateLimited",
        ):
            assert name in rules

    def test_exstream_and_document_alerts_read_the_metrics_made_for_them(self) -> None:
        """Exstream health, the breaker, result publishing and deliveries are read from their own metrics,
        not inferred from retry or dead-letter error classes."""
        rules = {r["alert"]: r["expr"] for r in alert_rules()}
        assert "bcx_exstream_request_duration_seconds_count" in rules["BcxExstreamErrors"]
        assert "bcx_exstream_circuit_state" in rules["BcxExstreamCircuitOpen"]
        assert "bcx_exstream_request_duration_seconds_bucket" in rules["BcxExstreamSlow"]
        assert "bcx_results_publish_failures_total" in rules["BcxResultPublishingFailing"]
        assert "bcx_documents_total" in rules["BcxDocumentDeliveryFailing"]
        for name in ("BcxExstreamErrors", "BcxExstreamCircuitOpen", "BcxResultPublishingFailing"):
            assert "bcx_consumer_retries_total" not in rules[name]


class TestDashboard:
    def test_dashboard_structure(self) -> None:
        """The dashboard is importable: unique panel ids, a datasource variable, targets on every graph."""
        board = dashboard()
        ids = [p["id"] for p in panels(board)]
        assert len(ids) == len(set(ids))
        assert any(v["type"] == "datasource" for v in board["templating"]["list"])
        for panel in panels(board):
            if panel["type"] != "row":
                assert panel["targets"], panel["title"]
                assert panel["description"], panel["title"]

    @pytest.mark.parametrize("expr", dashboard_expressions())
    def test_panel_expression_names_real_metrics(self, expr: str) -> None:
        """Each panel query parses and uses only metrics and labels the processes export."""
        assert check_expression(expr) == []

    def test_variable_queries_name_real_metrics(self) -> None:
        """Template variables read label values of exported metrics."""
        for variable in dashboard()["templating"]["list"]:
            if variable["type"] == "query":
                metric, label = re.findall(r"label_values\((\w+),\s*(\w+)\)", variable["definition"])[0]
                assert label in SERIES[metric]

    def test_required_panels_exist(self) -> None:
        """Panels cover webhook rate, success ratio, produce latency, lag, processing time, outcomes, DLQ,
        Exstream requests by status and latency, breakers, documents by channel, publishing failures."""
        text = " ".join(dashboard_expressions())
        for metric in (
            "bcx_bridge_requests_total",
            "bcx_bridge_success_ratio",
            "bcx_bridge_produce_duration_seconds_bucket",
            "bcx_consumer_lag_records",
            "bcx_consumer_processing_seconds_bucket",
            "bcx_consumer_records_total",
            "bcx_consumer_dead_letters_total",
            "bcx_consumer_dlq_cap_tripped",
            "bcx_consumer_retries_total",
            "bcx_enricher_rate_limit_waits_total",
            "bcx_exstream_request_duration_seconds_count",
            "bcx_exstream_request_duration_seconds_bucket",
            "bcx_exstream_circuit_state",
            "bcx_documents_total",
            "bcx_results_publish_failures_total",
        ):
            assert metric in text
