"""Pydantic models of the records bcx publishes, one per Avro schema, with identical field names.

``tests/bcx/contracts`` proves each model and its ``.avsc`` agree field by field, so the Avro mapping in
``bcx.avro.codec`` (``model_dump`` / ``model_validate``) is the only one there is.
"""
