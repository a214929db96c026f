-- Workspace inheritance (Debusine's WorkspaceChain): a workspace's lookups of collections by name
-- fall back to its parents, in order, depth first.
CREATE TABLE workspace_inheritance (
    workspace text NOT NULL,
    position  int  NOT NULL CHECK (position >= 0),
    parent    text NOT NULL,
    PRIMARY KEY (workspace, position),
    UNIQUE (workspace, parent),
    CHECK (workspace <> parent)
);
