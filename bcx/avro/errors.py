"""Errors of the Avro edge.

::

    BcxError
    └── SerializationError        a record cannot be encoded or decoded (bad data, unknown schema id)
        └── SchemaRegistryError   the registry refused or did not answer
            └── IncompatibleSchemaError   a schema change breaks compatibility with what the registry holds
"""

from __future__ import annotations

from bcx.errors import BcxError


class SerializationError(BcxError):
    """A record could not be encoded to or decoded from the Confluent Avro wire format."""


class SchemaRegistryError(SerializationError):
    """The schema registry refused a request or could not be reached."""


class IncompatibleSchemaError(SchemaRegistryError):
    """A schema is not compatible with the latest registered version under the subject's policy."""
