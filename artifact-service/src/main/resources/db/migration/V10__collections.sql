-- Collections: named, typed sets of artifacts, bare data items and other collections.
CREATE TABLE collection (
    id                bigserial PRIMARY KEY,
    name              text        NOT NULL,
    category          text        NOT NULL,
    workspace         text        NOT NULL,
    data              jsonb       NOT NULL DEFAULT '{}'::jsonb,
    retains_artifacts text        NOT NULL DEFAULT 'never'
        CHECK (retains_artifacts IN ('never', 'workflow', 'always')),
    created_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace, category, name)
);

-- Items are never deleted by a removal: removed_at records it, so history stays answerable.
CREATE TABLE collection_item (
    id                  bigserial PRIMARY KEY,
    collection_id       bigint      NOT NULL REFERENCES collection (id) ON DELETE CASCADE,
    name                text        NOT NULL,
    child_type          text        NOT NULL CHECK (child_type IN ('artifact', 'bare', 'collection')),
    category            text        NOT NULL,
    artifact_id         bigint REFERENCES artifact (id),
    child_collection_id bigint REFERENCES collection (id),
    data                jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at          timestamptz NOT NULL DEFAULT now(),
    created_by          text        NOT NULL,
    removed_at          timestamptz,
    removed_by          text,
    CHECK ((child_type = 'artifact') = (artifact_id IS NOT NULL)),
    CHECK ((child_type = 'collection') = (child_collection_id IS NOT NULL))
);
-- One active item per name in a collection.
CREATE UNIQUE INDEX collection_item_active_name
    ON collection_item (collection_id, name) WHERE removed_at IS NULL;
CREATE INDEX collection_item_artifact ON collection_item (artifact_id) WHERE removed_at IS NULL;
