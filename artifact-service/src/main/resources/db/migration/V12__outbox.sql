-- Transactional outbox (shape owned by kiln-outbox, see dev.kiln.outbox.OutboxRepository):
-- artifact events are written in the same transaction as the change they announce and
-- published to Kafka (topic kiln.artifacts) by the shared relay, in id order.
CREATE TABLE outbox_event (
    id           bigserial PRIMARY KEY,
    event_id     uuid        NOT NULL UNIQUE,
    event_type   text        NOT NULL,
    topic        text        NOT NULL,
    event_key    text        NOT NULL,
    payload      jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);
CREATE INDEX outbox_event_unpublished ON outbox_event (id) WHERE published_at IS NULL;
