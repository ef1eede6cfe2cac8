-- The document index: one row per document (idempotency key), its outcome events (one per result id),
-- the dead letters' error context, re-issues and erasures. Applied once by consumers/document_index/migrate.py.

CREATE TABLE documents (
    idempotency_key   text PRIMARY KEY,
    use_case          text NOT NULL,
    document_type     text NOT NULL,
    version           text NOT NULL,
    store_hash        text NOT NULL,
    customer_id       text,
    entity_type       text NOT NULL,
    entity_id         text NOT NULL,
    order_id          text,
    communication_id  text,
    locale            text,
    -- of the latest attempt: FAILED when any outcome failed, else DELIVERED once delivered, else GENERATED
    status            text NOT NULL,
    attempt           integer NOT NULL,
    channels          text[] NOT NULL DEFAULT '{}',
    exstream_job_id   text,
    exstream_trace_id text,
    output_uri        text,
    output_sha256     text,
    source_event_id   text NOT NULL,
    source_topic      text NOT NULL,
    source_partition  integer NOT NULL,
    source_offset     bigint NOT NULL,
    rules             text[] NOT NULL DEFAULT '{}',
    reason            text NOT NULL DEFAULT '',
    rules_digest      text,
    reissue_of        text,
    first_event_at    timestamptz NOT NULL,
    last_event_at     timestamptz NOT NULL,
    erased_at         timestamptz
);
CREATE INDEX documents_customer ON documents (store_hash, customer_id);
CREATE INDEX documents_order ON documents (store_hash, order_id);
CREATE INDEX documents_entity ON documents (store_hash, entity_type, entity_id);
CREATE INDEX documents_last_event ON documents (last_event_at);

CREATE TABLE document_events (
    result_id        text PRIMARY KEY,
    idempotency_key  text NOT NULL REFERENCES documents (idempotency_key) ON DELETE CASCADE,
    status           text NOT NULL,
    channel          text,
    occurred_at      timestamptz NOT NULL,
    attempt          integer NOT NULL,
    error_class      text,
    error_stage      text,
    error_message    text,
    retryable        boolean,
    output_uri       text,
    exstream_job_id  text,
    event_created_at timestamptz,
    started_at       timestamptz NOT NULL,
    producer_version text NOT NULL,
    -- where the result record sits in documents.results.v1 (replays land on the same row)
    result_topic     text NOT NULL,
    result_partition integer NOT NULL,
    result_offset    bigint NOT NULL
);
CREATE INDEX document_events_key ON document_events (idempotency_key, occurred_at);

CREATE TABLE dead_letters (
    dlq_topic         text NOT NULL,
    dlq_partition     integer NOT NULL,
    dlq_offset        bigint NOT NULL,
    consumer_group    text,
    record_key        text,
    store_hash        text,
    entity_type       text,
    entity_id         text,
    error_class       text,
    error_stage       text,
    error_message     text,
    exception_class   text,
    attempts          integer,
    failed_at         timestamptz NOT NULL,
    source_topic      text,
    source_partition  integer,
    source_offset     bigint,
    PRIMARY KEY (dlq_topic, dlq_partition, dlq_offset)
);
CREATE INDEX dead_letters_entity ON dead_letters (store_hash, entity_type, entity_id);
CREATE INDEX dead_letters_failed_at ON dead_letters (failed_at);

CREATE TABLE reissues (
    reissue_key      text PRIMARY KEY,
    original_key     text NOT NULL,
    requested_by     text NOT NULL,
    reason           text NOT NULL,
    requested_at     timestamptz NOT NULL
);

-- Erased customers, by a hash of store and customer id only (the clear id is not kept): new results for
-- them are stored pseudonymised, and the report says what was purged where.
CREATE TABLE erasures (
    subject          text PRIMARY KEY,
    store_hash       text NOT NULL,
    pseudonym        text NOT NULL,
    requested_by     text NOT NULL,
    requested_at     timestamptz NOT NULL,
    report           jsonb NOT NULL DEFAULT '{}'
);
