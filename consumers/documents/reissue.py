"""Re-issuing documents after a template or rule fix (``bcx reissue``), the flow's side.

``bcx reissue`` re-publishes the entity's latest snapshot to the flow's input topic with ``bcx.reissue.*``
headers naming the original documents, the reason and who asked. The flow decides the snapshot as usual
but as if nothing had been sent, keeps only the named documents and gives each a new idempotency key that
names the re-issue: ``<original key>~reissue-<id>``, ``id`` a hash of the original key and the reason. So
the document is produced once more under the new key (the ledger makes that once), the old one stays on
record, and repeating the same re-issue produces nothing new.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from bcx.contracts.document_result import Explanation
from consumers.runtime import SourceRecord
from routing import DocumentDecision

H_KEYS = "bcx.reissue.keys"
H_REASON = "bcx.reissue.reason"
H_BY = "bcx.reissue.by"
MARK = "~reissue-"


def reissue_key(original: str, reason: str) -> str:
    """The key of ``original``'s re-issue for ``reason`` (the same pair always gives the same key)."""
    digest = hashlib.sha256(f"{original}|{reason}".encode()).hexdigest()[:10]
    return f"{original}{MARK}{digest}"


@dataclass(frozen=True)
class Reissue:
    """What a re-issue request on a record asks for."""

    keys: frozenset[str]
    reason: str
    by: str

    @classmethod
    def of(cls, record: SourceRecord) -> Reissue | None:
        keys = record.header(H_KEYS)
        if keys is None:
            return None
        reason = (record.header(H_REASON) or b"").decode(errors="replace")
        by = (record.header(H_BY) or b"").decode(errors="replace")
        return cls(frozenset(k for k in keys.decode(errors="replace").split(",") if k), reason, by)

    def headers(self) -> list[tuple[str, bytes]]:
        return [
            (H_KEYS, ",".join(sorted(self.keys)).encode()),
            (H_REASON, self.reason.encode()),
            (H_BY, self.by.encode()),
        ]

    def select(self, due: Sequence[DocumentDecision]) -> dict[str, tuple[DocumentDecision, DocumentDecision]]:
        """Re-issue key → (the re-issued decision, the original) for the due documents named here."""
        chosen: dict[str, tuple[DocumentDecision, DocumentDecision]] = {}
        for document in due:
            original = document.idempotency_key
            if original is None or original not in self.keys:
                continue
            key = reissue_key(original, self.reason)
            version = key.rsplit(":", 1)[-1]
            chosen[key] = (document.model_copy(update={"idempotency_key": key, "version": version}), document)
        return chosen

    def explain(self, explanation: Explanation, original: str) -> Explanation:
        """The original decision's explanation, naming the re-issue: who, why, of which document."""
        reason = f"re-issue by {self.by}: {self.reason}. {explanation.reason}"[:1000]
        return explanation.model_copy(update={"reason": reason, "reissue_of": original})
