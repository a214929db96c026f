-- Expiration: an artifact's own delay (null: the workspace default; 0: keep forever).
ALTER TABLE artifact ADD COLUMN expiration_delay_seconds bigint CHECK (expiration_delay_seconds >= 0);

-- Per-workspace default expiration delay (0: keep forever, the default of an unknown workspace).
CREATE TABLE workspace_retention (
    workspace                        text   PRIMARY KEY,
    default_expiration_delay_seconds bigint NOT NULL DEFAULT 0
        CHECK (default_expiration_delay_seconds >= 0)
);

-- Relations between artifacts; a kept artifact keeps every artifact it relates to.
CREATE TABLE artifact_relation (
    artifact_id bigint NOT NULL REFERENCES artifact (id) ON DELETE CASCADE,
    target_id   bigint NOT NULL REFERENCES artifact (id) ON DELETE CASCADE,
    type        text   NOT NULL CHECK (type IN ('extends', 'relates-to', 'built-using')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (artifact_id, target_id, type),
    CHECK (artifact_id <> target_id)
);
CREATE INDEX artifact_relation_target ON artifact_relation (target_id);
