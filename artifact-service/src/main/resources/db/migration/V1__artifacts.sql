-- Artifacts: a category, a workspace, JSON data and a set of files by path.
CREATE TABLE artifact (
    id                         bigserial PRIMARY KEY,
    category                   text        NOT NULL,
    workspace                  text        NOT NULL,
    data                       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    created_by                 text        NOT NULL,
    created_by_work_request_id bigint
);
CREATE INDEX artifact_workspace ON artifact (workspace);
CREATE INDEX artifact_work_request ON artifact (created_by_work_request_id);

-- Contents held by the file store, by SHA-256 (lowercase hex): a row exists only once the
-- bytes are stored.
CREATE TABLE file (
    sha256 text   PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size   bigint NOT NULL CHECK (size >= 0)
);

-- The files of an artifact as declared at creation; complete once their bytes are stored.
CREATE TABLE file_in_artifact (
    artifact_id bigint  NOT NULL REFERENCES artifact (id) ON DELETE CASCADE,
    path        text    NOT NULL,
    sha256      text    NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size        bigint  NOT NULL CHECK (size >= 0),
    complete    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (artifact_id, path)
);
-- Deduplication: is this content already part of an artifact of the workspace?
CREATE INDEX file_in_artifact_content ON file_in_artifact (sha256, size) WHERE complete;
