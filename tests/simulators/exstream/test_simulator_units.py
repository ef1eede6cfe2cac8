"""Simulator building blocks without a server: faults, templates, rendering, delivery, CLI and admin."""

from __future__ import annotations

import email
import io
import random
from email.policy import default as default_policy
from pathlib import Path

import httpx
from pypdf import PdfReader

from bcx_app.cli.main import build_parser
from simulators.exstream import RunningSimulator, SimulatorConfig
from simulators.exstream.config import FaultConfig, LatencyConfig
from simulators.exstream.delivery import build_email, recipient, requested_channels
from simulators.exstream.faults import Fault, decide, latency_s
from simulators.exstream.render import benchmark_pdf, render_pdf
from simulators.exstream.templates import TemplateRegistry, flatten


class TestFaults:
    def test_same_seed_same_decisions(self) -> None:
        """Two generators with one seed draw identical latency and fault sequences."""
        config = FaultConfig(
            latency=LatencyConfig(kind="lognormal", median_ms=50, sigma=0.5), error_rate=0.3, hang_rate=0.1
        )
        first, second = random.Random(3), random.Random(3)
        assert [decide(config, first) for _ in range(50)] == [decide(config, second) for _ in range(50)]

    def test_rates_of_one_always_fire(self) -> None:
        """A rate of 1.0 makes that fault happen on every call."""
        assert decide(FaultConfig(error_rate=1.0), random.Random()).fault is Fault.SERVER_ERROR
        assert decide(FaultConfig(rate_limit_rate=1.0), random.Random()).fault is Fault.RATE_LIMIT
        assert decide(FaultConfig(), random.Random()).fault is Fault.NONE

    def test_latency_distributions(self) -> None:
        """Fixed latency is exact and uniform latency stays inside its bounds."""
        rng = random.Random(1)
        assert latency_s(LatencyConfig(kind="fixed", ms=120), rng) == 0.12
        draws = [latency_s(LatencyConfig(kind="uniform", min_ms=10, max_ms=20), rng) for _ in range(100)]
        assert all(0.01 <= d <= 0.02 for d in draws)


class TestTemplates:
    def test_unknown_communication_uses_the_generic_template(self) -> None:
        """Any driver data renders through _generic, listing every field in the PDF."""
        rendered = (
            TemplateRegistry()
            .get("never-registered")
            .render(
                {"customer": {"name": "Zoë"}, "lines": [{"sku": "SKU-1"}]},
                communication_id="x",
                reference="r",
            )
        )
        text = PdfReader(io.BytesIO(rendered.pdf)).pages[0].extract_text()
        assert "customer.name: Zo" in text
        assert "lines[0].sku: SKU-1" in text
        assert "SKU-1" in rendered.html

    def test_extra_template_folder(self, tmp_path: Path) -> None:
        """A folder with document.pdf.j2 and document.html.j2 registers a communication by its name."""
        folder = tmp_path / "order-confirmation"
        folder.mkdir()
        (folder / "document.pdf.j2").write_text("# Order {{ order.id }}\nThanks {{ customer.first_name }}\n")
        (folder / "document.html.j2").write_text("<p>Order {{ order.id }}</p>")
        (folder / "template.yaml").write_text('subject: "Order {{ order.id }} confirmed"\n')
        registry = TemplateRegistry((tmp_path,))
        assert "order-confirmation" in registry.ids()
        rendered = registry.get("order-confirmation").render(
            {"order": {"id": 42}, "customer": {"first_name": "Ada"}},
            communication_id="order-confirmation",
            reference=None,
        )
        assert rendered.subject == "Order 42 confirmed"
        assert "Thanks Ada" in PdfReader(io.BytesIO(rendered.pdf)).pages[0].extract_text()

    def test_html_output_is_escaped(self) -> None:
        """Driver data cannot inject markup into the HTML output."""
        rendered = TemplateRegistry().get("x").render({"a": "<script>"}, communication_id="x", reference=None)
        assert "<script>" not in rendered.html

    def test_flatten_paths(self) -> None:
        """Nested objects and lists flatten to dotted/indexed paths."""
        assert list(flatten({"a": {"b": [1, None]}})) == [("a.b[0]", "1"), ("a.b[1]", "")]


class TestRendering:
    def test_layout_lines_render(self) -> None:
        """Headings, tables, bullets and paragraphs all reach the PDF text."""
        pdf = render_pdf("# Title\n## Section\n| a | b |\n- item\n---\ntext", title="t")
        text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        for expected in ("Title", "Section", "item", "text"):
            assert expected in text

    def test_benchmark_pdf_is_fixed(self) -> None:
        """Benchmark mode reuses one small pre-rendered PDF."""
        assert benchmark_pdf() is benchmark_pdf()
        assert benchmark_pdf().startswith(b"%PDF")


class TestDelivery:
    def test_channels_from_driver_data(self) -> None:
        """Channels come from deliveryChannels or deliveryPreference; unknown values are ignored."""
        assert requested_channels({"deliveryChannels": ["EMAIL", "fax", "print"]}) == ("email", "print")
        assert requested_channels({"deliveryPreference": "portal"}) == ("portal",)
        assert requested_channels([1]) == ()

    def test_recipient_lookup(self) -> None:
        """The top-level email wins, else the first e-mail-like field anywhere in the data."""
        assert recipient({"email": "a@b.co", "x": {"email": "c@d.co"}}) == "a@b.co"
        assert recipient({"contactDetails": {"emailAddress1": "c@d.co"}}) == "c@d.co"
        assert recipient({"email": "not-an-address"}) is None

    def test_email_structure(self) -> None:
        """The e-mail has a text part, an HTML alternative and the PDF attachment."""
        message = build_email(
            sender="s@x.invalid",
            to="t@x.invalid",
            subject="S",
            html="<p>h</p>",
            pdf=b"%PDF",
            pdf_name="a.pdf",
            reference="r",
        )
        parsed = email.message_from_bytes(message.as_bytes(), policy=default_policy)
        assert parsed["X-Reference"] == "r"
        assert [p.get_content_type() for p in parsed.walk()] == [
            "multipart/mixed",
            "multipart/alternative",
            "text/plain",
            "text/html",
            "application/pdf",
        ]


class TestAdminEndpoints:
    def test_faults_switch_at_runtime(self, sim: RunningSimulator) -> None:
        """PUT /_sim/faults merges a change, DELETE clears it, GET reports the active faults."""
        reply = httpx.put(
            f"{sim.base_url}/_sim/faults", json={"error_rate": 0.5, "latency": {"kind": "fixed"}}
        )
        assert reply.json()["error_rate"] == 0.5
        assert sim.simulator.faults.latency.kind == "fixed"
        httpx.delete(f"{sim.base_url}/_sim/faults")
        assert httpx.get(f"{sim.base_url}/_sim/faults").json()["error_rate"] == 0

    def test_invalid_fault_change_is_rejected(self, sim: RunningSimulator) -> None:
        """An out-of-range rate is a 400 and leaves the faults unchanged."""
        assert httpx.put(f"{sim.base_url}/_sim/faults", json={"error_rate": 2}).status_code == 400
        assert sim.simulator.faults.error_rate == 0

    def test_wrong_client_secret_is_refused(self, sim: RunningSimulator) -> None:
        """OTDS refuses unknown client credentials with invalid_client."""
        reply = httpx.post(
            f"{sim.base_url}/otdsws/otdstenant/t/oauth2/token",
            data={"grant_type": "client_credentials", "client_id": "bcx", "client_secret": "wrong"},
        )
        assert reply.status_code == 401
        assert reply.json()["error"] == "invalid_client"

    def test_benchmark_mode_answers_the_fixed_pdf(self, tmp_path: Path) -> None:
        """In benchmark mode every generation returns the same pre-rendered PDF."""
        from simulators.exstream import running_simulator

        with running_simulator(SimulatorConfig(port=0, outbox=tmp_path, benchmark=True)) as running:
            token = httpx.post(
                f"{running.base_url}/otdsws/oauth2/token",
                data={"grant_type": "client_credentials", "client_id": "bcx", "client_secret": "bcx-secret"},
            ).json()["access_token"]
            reply = httpx.post(
                f"{running.base_url}/orchestration/api/v1/inputs/ondemand/d/generate",
                json={"x": 1},
                headers={
                    "Authorization": f"Bearer {token}",
                    "communicationId": "c",
                    "driverDataSource": "D",
                    "Accept": "application/pdf",
                },
            )
        assert reply.content == benchmark_pdf()


class TestCli:
    def test_sim_exstream_options(self) -> None:
        """bcx sim exstream parses host, port, seed, latency and fault options."""
        args = build_parser().parse_args(
            ["sim", "exstream", "--port", "0", "--seed", "5", "--latency", "uniform", "--fail-rate", "0.2"]
        )
        assert (args.port, args.seed, args.latency, args.fail_rate) == (0, 5, "uniform", 0.2)
        assert callable(args.handler)
