"""The Exstream adapter: OTDS auth, on-demand and batch generation, runtime jobs, output storage.

Typical use::

    async with ExstreamClient(settings.exstream) as client:
        result = await client.generate(communication_id=..., driver_data_source="Driver",
                                       driver_data=data, reference=idempotency_key)
"""

from __future__ import annotations

from bcx.exstream.client import ExstreamClient
from bcx.exstream.models import (
    BatchSubmission,
    GeneratedDocument,
    GenerationResult,
    JobState,
    JobStatus,
)
from bcx.exstream.poller import Backoff, JobPoller
from bcx.exstream.settings import ExstreamSettings, OutputStorageSettings, S3StorageSettings

__all__ = [
    "Backoff",
    "BatchSubmission",
    "ExstreamClient",
    "ExstreamSettings",
    "GeneratedDocument",
    "GenerationResult",
    "JobPoller",
    "JobState",
    "JobStatus",
    "OutputStorageSettings",
    "S3StorageSettings",
]
