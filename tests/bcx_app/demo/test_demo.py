"""The demo: its pure parts, and the whole command on a small store (the README's first command)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bcx.contracts.document_result import Channel, DocumentStatus
from bcx_app.cli.main import main
from bcx_app.cli.processes import deployed
from bcx_app.demo.plan import Ports, build_plan, statement_run
from bcx_app.demo.tally import ResultsTally, percentile, render_summary
from bcx_app.demo.traffic import backlog_events
from tests.bcx.contracts.test_contracts import NOW, sample_result


class TestBacklog:
    def test_each_order_is_announced_as_bigcommerce_would(self) -> None:
        """An incomplete order gets only `created`; others also the status change from 0 and `updated`."""
        events = backlog_events([(1, 0), (2, 11)])
        assert [scope for scope, _ in events] == [
            "store/order/created",
            "store/order/created",
            "store/order/statusUpdated",
            "store/order/updated",
        ]
        assert events[2][1]["status"] == {"previous_status_id": 0, "new_status_id": 11}


class TestTally:
    def test_counts_documents_outcomes_and_duplicates(self) -> None:
        """GENERATED counts documents per key; a second GENERATED for a key is a duplicate document."""
        tally = ResultsTally()
        generated = sample_result(status=DocumentStatus.GENERATED, channel=None)
        delivered = sample_result(
            occurred_at=NOW + timedelta(seconds=3), status=DocumentStatus.DELIVERED, channel=Channel.EMAIL
        )
        for result in (generated, delivered, generated):
            tally.add(result)
        assert tally.documents == 1
        assert tally.duplicate_documents == 1
        assert tally.count(DocumentStatus.DELIVERED) == 1
        assert tally.latencies_s == [3.0]

    def test_summary_names_types_channels_and_places(self) -> None:
        """The summary shows each (type, channel, outcome) row, latency percentiles and where files are."""
        tally = ResultsTally()
        tally.add(sample_result(status=DocumentStatus.DELIVERED, occurred_at=datetime.now(UTC)))
        text = render_summary(tally, elapsed_s=1.0, where={"PDFs": "/tmp/docs"})
        assert "invoice" in text
        assert "EMAIL" in text
        assert "p99" in text
        assert "/tmp/docs" in text

    def test_percentile(self) -> None:
        """Nearest-rank percentiles, 0 for nothing."""
        assert percentile([], 50) == 0.0
        assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0
        assert percentile([1.0, 2.0, 3.0, 4.0], 99) == 4.0


class TestPlan:
    def test_processes_are_wired_to_each_other(self, tmp_path: Path) -> None:
        """Every process gets the broker and registry; the bridge knows the store; the consumers, Exstream;
        the statement run, the B2B simulator."""
        plan = build_plan(
            workdir=tmp_path,
            ports=Ports(1, 2, 3, {c.name: 4 + i for i, c in enumerate(deployed())}),
            bootstrap_servers="127.0.0.1:9",
            registry_url="http://r",
            orders=10,
            seed=1,
            consumers=deployed(),
            index_dsn="postgresql://bcx@127.0.0.1:7/bcx",
        )
        names = [p.name for p in plan.processes]
        assert names == ["bigcommerce-sim", "exstream-sim", "bridge", *(c.name for c in deployed())]
        assert names[3:6] == ["enricher", "order-documents", "policy-publisher"]
        for spec in plan.processes:
            assert spec.env["BCX_KAFKA__BOOTSTRAP_SERVERS"] == "127.0.0.1:9"
        env = {p.name: p.env for p in plan.processes}
        assert env["document-index"]["BCX_INDEX__DSN"] == "postgresql://bcx@127.0.0.1:7/bcx"
        consumer = env["order-documents"]
        assert consumer["BCX_EXSTREAM__BASE_URL"] == "http://127.0.0.1:2"
        publisher = env["policy-publisher"]
        assert "BCX_RETURNS__RETURN_ADDRESS" in env["returns"]
        assert publisher["BCX_POLICY_PUBLISHER__CATALOGUE_PATH"] == str(tmp_path / "policies.yaml")
        statements = env["account-statements"]
        assert statements["BCX_BIGCOMMERCE__B2B_BASE_URL"] == "http://127.0.0.1:1"
        command, run_env = statement_run(plan)
        assert command[-8:] == [
            "statements",
            "plan",
            "--period",
            "2025-12",
            "--store",
            "demostore",
            "--requested-by",
            "demo",
        ]
        assert run_env["BCX_KAFKA__BOOTSTRAP_SERVERS"] == "127.0.0.1:9"
        assert "demostore" in plan.processes[2].env["BCX_BRIDGE__STORES"]


@pytest.mark.integration
@pytest.mark.slow
class TestDemoCommand:
    def test_small_demo_runs_clean(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """`bcx demo` on 30 orders delivers documents, generates none twice, ends with the trace of one order
        from the document index (decision with its rule, generated, delivered) and shuts down cleanly."""
        code = main(["demo", "--orders", "30", "--workdir", str(tmp_path / "demo"), "--timeout", "300"])
        out = capsys.readouterr().out
        assert code == 0, out
        assert "duplicate documents: 0" in out
        assert "order_confirmation" in out
        # the returns intake took every submission and the returns flow made its documents from them
        assert "returns intake:" in out
        for document_type in (
            "return_authorisation",
            "return_label",
            "return_refusal",
            "exchange_instructions",
        ):
            assert document_type in out
        assert "stopped everything cleanly" in out
        trace = out.split("$ bcx trace --order ", 1)[1]
        assert all(kind in trace for kind in ("decision", "generated", "delivered")), trace
        assert list((tmp_path / "demo" / "documents").rglob("*.pdf"))
        assert "terms-us     v1 en-US  page /terms-and-conditions/ on channel 1" in out
        assert "NOT PUBLISHED" not in out
