"""``bcx dlq inspect|replay`` against a real broker: context without values, selective replay."""

from __future__ import annotations

import json
import uuid

import pytest

from bcx.kafka.topics import group_topic
from bcx.settings import KafkaSettings
from bcx_app.cli.main import main
from consumers.stream.dead_letters import dead_letter_headers
from consumers.stream.dlq_admin import DeadLetter, Selection
from consumers.stream.errors import PermanentError, RetryableError
from consumers.stream.records import SourceRecord
from tests.conftest import NewTopic
from tests.consumers.support import create_group_topics
from tests.support.kafka import consume


def letter(offset: int, key: str, error_class: str) -> DeadLetter:
    record = SourceRecord("src", 0, offset, key.encode(), b'{"email": "a@b.invalid"}', (("trace", b"t1"),))
    error = PermanentError("rejected", error_class=error_class, stage="generate")
    return DeadLetter(
        0,
        offset,
        record.key,
        record.value,
        tuple(dead_letter_headers(record, error, group="g", attempts=1, now_ms=5)),
    )


class TestSelection:
    def test_filters_combine(self) -> None:
        """Offset range, key and error class each narrow the selection."""
        letters = [
            letter(i, f"k{i % 2}", "exstream.bad_request" if i < 3 else "data.invalid") for i in range(6)
        ]
        assert [d.offset for d in letters if Selection(from_offset=1, to_offset=3).matches(d)] == [1, 2, 3]
        assert [d.offset for d in letters if Selection(key="k1").matches(d)] == [1, 3, 5]
        assert [d.offset for d in letters if Selection(error_class="data.invalid", key="k0").matches(d)] == [
            4
        ]

    def test_summary_has_context_but_no_value(self) -> None:
        """The inspect view names the source and error, never the record's contents."""
        summary = letter(7, "s:order:1", "exstream.bad_request").summary()
        assert summary["source"] == "src[0]@7"
        assert summary["error_class"] == "exstream.bad_request"
        assert "a@b.invalid" not in json.dumps(summary)

    def test_replay_headers_drop_error_context_and_mark_the_replay(self) -> None:
        """A replayed record keeps its own headers, loses bcx.error.*, and gains bcx.replay.at/from."""
        headers = dict(letter(7, "k", "x").replay_headers(now_ms=99))
        assert headers["trace"] == b"t1"
        assert headers["bcx.replay.at"] == b"99"
        assert headers["bcx.replay.from"] == b"0@7"
        assert not [k for k in headers if k.startswith("bcx.error.")]


@pytest.mark.integration
class TestCommands:
    def test_inspect_then_replay_one_error_class(
        self,
        kafka_settings: KafkaSettings,
        new_topic: NewTopic,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """Inspect lists every dead letter; replay --error-class sends only those back to their source."""
        from bcx.kafka.config import producer_config
        from bcx.kafka.producer import KafkaProducer

        group = f"bcx-dlq-{uuid.uuid4().hex[:8]}"
        create_group_topics(kafka_settings, group)
        source = new_topic("src")
        producer = KafkaProducer(producer_config(kafka_settings))
        for offset, error in enumerate(
            [
                PermanentError("bad", error_class="exstream.bad_request"),
                RetryableError("x", error_class="t.o"),
            ]
        ):
            record = SourceRecord(source, 0, offset, f"k{offset}".encode(), b"{}", ())
            headers = dead_letter_headers(record, error, group=group, attempts=1, now_ms=1)
            producer.produce(group_topic(group, "dlq"), record.value, key=record.key, headers=headers)
        producer.close()
        monkeypatch.setenv("BCX_KAFKA__BOOTSTRAP_SERVERS", kafka_settings.bootstrap_servers)

        assert main(["dlq", "inspect", group, "--group", "--json"]) == 0
        rows = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
        assert [r["error_class"] for r in rows] == ["exstream.bad_request", "t.o"]

        assert main(["dlq", "replay", group, "--group", "--error-class", "exstream.bad_request"]) == 0
        assert "replayed 1 of 1" in capsys.readouterr().out
        [replayed] = consume(kafka_settings, source, 1)
        assert replayed.key() == b"k0"
        assert "bcx.replay.at" in dict(replayed.headers())
