"""The root of bcx's error vocabulary.

::

    BcxError
    ├── ConfigurationError        settings missing or invalid; the process cannot start
    ├── bcx.kafka.errors.KafkaError         (see that module)
    ├── bcx.avro.errors.SerializationError  (see that module)
    └── one ``errors.py`` per adapter package (BigCommerce, Exstream, …) for its own failures

Foreign exceptions (confluent_kafka, httpx, fastavro) are translated into these once, at the adapter
boundary; nothing above an adapter catches a third-party type.
"""

from __future__ import annotations


class BcxError(Exception):
    """Base of every error bcx raises on purpose."""


class ConfigurationError(BcxError):
    """The configuration cannot be used; the message names the setting, never its value."""
