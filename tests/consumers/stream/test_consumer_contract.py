"""The Kafka-consumer contract of the stream runtime (:mod:`consumers.stream.consumer`): every case runs
against the in-memory twin and against a real broker, so the twin the runner's tests use behaves as
librdkafka does where the runner depends on it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from confluent_kafka import TopicPartition

from consumers.stream.consumer import OFFSET_INVALID
from tests.consumers.stream.twins import Backend, KafkaBackend, Member, MemoryBackend


@pytest.fixture(params=["memory", pytest.param("kafka", marks=pytest.mark.integration)])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """The twin, or a real broker (its fixtures are only started for the ``kafka`` cases)."""
    chosen: Backend
    if request.param == "memory":
        chosen = MemoryBackend()
    else:
        new_topic: Callable[..., str] = request.getfixturevalue("new_topic")
        chosen = KafkaBackend(request.getfixturevalue("kafka_settings"), new_topic)
    yield chosen
    chosen.close()


def group() -> str:
    return f"contract-{uuid.uuid4().hex[:8]}"


class TestDelivery:
    def test_assigns_every_partition_and_delivers_in_offset_order(self, backend: Backend) -> None:
        """A lone member is assigned every partition and reads each from the beginning, in offset order."""
        topic = backend.topic(3)
        for p in range(3):
            backend.produce(topic, p, [f"{p}-{i}".encode() for i in range(5)])
        member = Member(backend.consumer(group()), [topic])
        member.poll_until(lambda: len(member.received) >= 15)
        assert member.assigned == {(topic, 0), (topic, 1), (topic, 2)}
        for p in range(3):
            assert member.offsets(topic, p) == [0, 1, 2, 3, 4]
        assert {m.value() for m in member.received} == {
            f"{p}-{i}".encode() for p in range(3) for i in range(5)
        }

    def test_position_is_the_next_offset_and_watermarks_span_the_log(self, backend: Backend) -> None:
        """After reading four records, position is 4 and the watermarks are (0, 4)."""
        topic = backend.topic(1)
        backend.produce(topic, 0, [b"a", b"b", b"c", b"d"])
        member = Member(backend.consumer(group()), [topic])
        member.poll_until(lambda: len(member.received) >= 4)
        (position,) = member.consumer.position([TopicPartition(topic, 0)])
        assert position.offset == 4
        assert member.consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10) == (0, 4)

    def test_an_assigned_partition_has_no_position_before_a_record(self, backend: Backend) -> None:
        """Assigned but nothing consumed yet: the position is invalid (the lag meter falls back on the
        committed offset then)."""
        topic = backend.topic(1)
        member = Member(backend.consumer(group()), [topic])
        member.poll_until(lambda: len(member.assigned) == 1)
        member.poll()
        (position,) = member.consumer.position([TopicPartition(topic, 0)])
        assert position.offset == OFFSET_INVALID

    def test_seek_delivers_again_from_the_offset(self, backend: Backend) -> None:
        """Seeking an assigned partition back makes it deliver from that offset again."""
        topic = backend.topic(1)
        backend.produce(topic, 0, [b"0", b"1", b"2", b"3", b"4"])
        member = Member(backend.consumer(group()), [topic])
        member.poll_until(lambda: len(member.received) >= 5)
        member.consumer.seek(TopicPartition(topic, 0, 2))
        member.poll_until(lambda: len(member.received) >= 8)
        assert member.offsets(topic, 0) == [0, 1, 2, 3, 4, 2, 3, 4]


class TestCommits:
    def test_the_committed_offset_is_where_the_next_member_starts(self, backend: Backend) -> None:
        """A synchronous commit is read back by ``committed`` and is where a later member starts."""
        topic, name = backend.topic(1), group()
        backend.produce(topic, 0, [b"0", b"1", b"2", b"3", b"4", b"5"])
        first = Member(backend.consumer(name), [topic])
        assert first.consumer.committed([TopicPartition(topic, 0)], timeout=10)[0].offset == OFFSET_INVALID
        first.poll_until(lambda: len(first.received) >= 6)
        first.consumer.commit(offsets=[TopicPartition(topic, 0, 4)], asynchronous=False)
        assert first.consumer.committed([TopicPartition(topic, 0)], timeout=10)[0].offset == 4
        first.consumer.close()
        second = Member(backend.consumer(name), [topic])
        second.poll_until(lambda: len(second.received) >= 2)
        assert second.offsets(topic, 0) == [4, 5]


class TestPause:
    def test_a_paused_partition_delivers_nothing_until_resumed(self, backend: Backend) -> None:
        """While one partition is paused the other keeps delivering, records produced after it included;
        the paused one's records arrive once it is resumed."""
        topic = backend.topic(2)
        backend.produce(topic, 0, [b"p0-0"])
        backend.produce(topic, 1, [b"p1-0"])
        member = Member(backend.consumer(group()), [topic])
        member.poll_until(lambda: len(member.received) >= 2)
        member.consumer.pause([TopicPartition(topic, 0)])
        backend.produce(topic, 0, [b"p0-1", b"p0-2"])
        backend.produce(topic, 1, [b"p1-1"])
        member.poll_until(lambda: len(member.offsets(topic, 1)) >= 2)
        backend.produce(topic, 1, [b"p1-2"])  # p0's records are older than this one
        member.poll_until(lambda: len(member.offsets(topic, 1)) >= 3)
        assert member.offsets(topic, 0) == [0]
        member.consumer.resume([TopicPartition(topic, 0)])
        member.poll_until(lambda: len(member.offsets(topic, 0)) >= 3)
        assert member.offsets(topic, 0) == [0, 1, 2]


class TestRebalance:
    def test_a_joining_member_takes_a_share_the_first_revoked(self, backend: Backend) -> None:
        """A second member gets half of a 4-partition topic, exactly the partitions the first one revoked."""
        topic, name = backend.topic(4), group()
        first = Member(backend.consumer(name), [topic])
        first.poll_until(lambda: len(first.assigned) == 4)
        second = Member(backend.consumer(name), [topic])
        second.poll_until(lambda: len(second.assigned) == 2 and len(first.assigned) == 2, first)
        assert first.assigned | second.assigned == {(topic, p) for p in range(4)}
        assert set().union(*first.revoked) == second.assigned

    def test_close_revokes_what_is_assigned(self, backend: Backend) -> None:
        """Closing a member runs its revoke callback for every partition it still holds."""
        topic = backend.topic(2)
        member = Member(backend.consumer(group()), [topic])
        member.poll_until(lambda: len(member.assigned) == 2)
        member.consumer.close()
        assert set().union(*member.revoked) == {(topic, 0), (topic, 1)}

    def test_a_pause_survives_revoke_and_re_assign(self, backend: Backend) -> None:
        """A partition paused, revoked to another member and assigned back stays paused (librdkafka keeps
        the flag; the runner resumes every partition it lets go or gets for this reason)."""
        topic, name = backend.topic(4), group()
        first = Member(backend.consumer(name), [topic])
        first.poll_until(lambda: len(first.assigned) == 4)
        first.consumer.pause([TopicPartition(t, p) for t, p in first.assigned])
        second = Member(backend.consumer(name), [topic])
        # a settled assignment before leaving: a member leaving mid-reconciliation is only expired later
        second.poll_until(lambda: len(second.assigned) == 2 and len(first.assigned) == 2, first)
        (_, moved), kept = min(second.assigned), set(first.assigned)
        (_, stayed) = min(kept)
        second.consumer.close()
        first.poll_until(lambda: len(first.assigned) == 4)
        first.consumer.resume([TopicPartition(t, p) for t, p in kept])
        backend.produce(topic, moved, [b"held"])
        backend.produce(topic, stayed, [b"s-0"])
        first.poll_until(lambda: len(first.offsets(topic, stayed)) >= 1)
        backend.produce(topic, stayed, [b"s-1"])  # the held record is older than this one
        first.poll_until(lambda: len(first.offsets(topic, stayed)) >= 2)
        assert first.offsets(topic, moved) == []
        first.consumer.resume([TopicPartition(topic, moved)])
        first.poll_until(lambda: len(first.offsets(topic, moved)) >= 1)


class TestTwinOnly:
    def test_an_expired_member_sees_its_partitions_lost_and_rejoins(self) -> None:
        """The twin's session expiry (a real one takes the broker's 45 s): ``on_lost`` with what the member
        held, the other member takes them, and the expired one rejoins for its share."""
        backend = MemoryBackend()
        topic, name = backend.topic(2), group()
        lost: list[set[tuple[str, int]]] = []
        first = backend.broker.consumer({"group.id": name})
        first_member = Member(first, [topic])
        first.subscribe(
            [topic],
            on_assign=first_member._assign,
            on_revoke=first_member._revoke,
            on_lost=lambda _c, ps: lost.append({(p.topic, p.partition) for p in ps}),
        )
        first_member.poll_until(lambda: len(first_member.assigned) == 2)
        second = Member(backend.consumer(name), [topic])
        second.poll_until(lambda: len(second.assigned) == 1 and len(first_member.assigned) == 1, first_member)
        backend.broker.expire(first)
        second.poll_until(lambda: len(second.assigned) == 2)
        first.consume(1, 0)
        assert lost == [{(topic, 0)}]
