"""Settings of a document flow's process (``bcx consume <flow>``): the stream runtime's sections plus
Exstream and output storage, which the document pipeline needs and the stream runtime does not."""

from __future__ import annotations

from bcx.exstream.settings import ExstreamSettings, OutputStorageSettings
from consumers.stream.settings import StreamSettings


class ConsumeSettings(StreamSettings):
    """The settings of one ``bcx consume <use-case>`` process. ``metrics`` also serves /livez and /readyz."""

    #: required: the pipeline builds an Exstream client for every use case (no simulator default)
    exstream: ExstreamSettings
    output_storage: OutputStorageSettings = OutputStorageSettings()
