-- Workflow templates, per workspace (issue #6 item 4). Versions 10+ belong to templates and server
-- tasks so that they never collide with the orchestration's migrations.
CREATE TABLE workflow_template (
    id                bigserial PRIMARY KEY,
    workspace         text        NOT NULL,
    name              text        NOT NULL,
    task_name         text        NOT NULL,
    task_data         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    default_task_data jsonb       NOT NULL DEFAULT '{}'::jsonb,
    priority          integer     NOT NULL DEFAULT 0,
    created_by        text        NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace, name)
);
