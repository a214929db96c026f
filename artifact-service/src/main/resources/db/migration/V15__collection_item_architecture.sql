-- Environment lookups (match:codename=…:architecture=…) pick one item of a collection by the
-- architecture in its data: indexed, so a collection of 10,000 environments is not scanned per
-- lookup (the lookup queries name the key as a literal, so that this index applies).
CREATE INDEX collection_item_architecture
    ON collection_item (collection_id, (data ->> 'architecture')) WHERE removed_at IS NULL;
