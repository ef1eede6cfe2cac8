"""Avro contracts: ``.avsc`` files in ``schemas/`` and the Confluent wire format through a registry."""
