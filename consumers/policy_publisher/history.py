"""What was rendered and published, from the two public topics: the basis of idempotency, drift and rollback.

:class:`History` is pure: publications per target key and documents by id, fed in any order and
de-duplicated by id. :mod:`consumers.policy_publisher.topic_reader` fills it from Kafka.
"""

from __future__ import annotations

from bcx.contracts.policy_document import PolicyDocument
from bcx.contracts.policy_publication import SERVING, PolicyPublication


class History:
    def __init__(self) -> None:
        self._publications: dict[str, list[PolicyPublication]] = {}
        self._seen: set[str] = set()
        self._documents: dict[str, PolicyDocument] = {}

    def add_publication(self, publication: PolicyPublication) -> None:
        if publication.publication_id in self._seen:
            return
        self._seen.add(publication.publication_id)
        entries = self._publications.setdefault(publication.key, [])
        entries.append(publication)
        entries.sort(key=lambda p: p.occurred_at)

    def add_document(self, document: PolicyDocument) -> None:
        self._documents[document.document_id] = document

    def publications(self, key: str) -> list[PolicyPublication]:
        return list(self._publications.get(key, ()))

    def last(self, key: str) -> PolicyPublication | None:
        entries = self._publications.get(key)
        return entries[-1] if entries else None

    def serving(self, key: str) -> list[PolicyPublication]:
        """Publications after which the target served their version (written or found), oldest first."""
        return [p for p in self._publications.get(key, ()) if p.action in SERVING]

    def last_serving(self, key: str) -> PolicyPublication | None:
        written = self.serving(key)
        return written[-1] if written else None

    def max_version(self, key: str) -> int | None:
        """The newest version ever served on the target (a rollback does not lower it: replays stay old)."""
        versions = [p.version for p in self.serving(key) if p.version is not None]
        return max(versions) if versions else None

    def rollback_source(self, key: str) -> PolicyPublication | None:
        """The publication to go back to: the latest one serving an older version than the current."""
        current = self.last_serving(key)
        if current is None or current.version is None:
            return None
        older = [p for p in self.serving(key) if p.version is not None and p.version < current.version]
        return older[-1] if older else None

    def document(self, document_id: str | None) -> PolicyDocument | None:
        return self._documents.get(document_id) if document_id else None

    def documents(self) -> list[PolicyDocument]:
        return sorted(self._documents.values(), key=lambda d: d.rendered_at)
