package dev.kiln.artifact.collection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Collections and their items. */
@ApplicationScoped
public class CollectionRepository {

  @Inject EntityManager em;

  public void persist(Object entity) {
    em.persist(entity);
    em.flush();
  }

  public void flush() {
    em.flush();
  }

  public Optional<CollectionEntity> find(long id) {
    return Optional.ofNullable(em.find(CollectionEntity.class, id));
  }

  public Optional<CollectionEntity> find(String workspace, String category, String name) {
    return em.createQuery(
            "from CollectionEntity where workspace = ?1 and category = ?2 and name = ?3",
            CollectionEntity.class)
        .setParameter(1, workspace)
        .setParameter(2, category)
        .setParameter(3, name)
        .getResultStream()
        .findFirst();
  }

  /**
   * The collection of that category and name in the first of the workspaces that holds one (a
   * workspace and those it inherits from, in lookup order). One query.
   */
  public Optional<CollectionEntity> findFirst(
      List<String> workspaces, String category, String name) {
    return em.createQuery(
            "from CollectionEntity where workspace in ?1 and category = ?2 and name = ?3",
            CollectionEntity.class)
        .setParameter(1, workspaces)
        .setParameter(2, category)
        .setParameter(3, name)
        .getResultStream()
        .min(java.util.Comparator.comparingInt(c -> workspaces.indexOf(c.workspace)));
  }

  public List<CollectionItemEntity> activeItems(long collectionId) {
    return em.createQuery(
            "from CollectionItemEntity where collectionId = ?1 and removedAt is null order by name",
            CollectionItemEntity.class)
        .setParameter(1, collectionId)
        .getResultList();
  }

  public Optional<CollectionItemEntity> activeItem(long collectionId, String name) {
    return em.createQuery(
            "from CollectionItemEntity where collectionId = ?1 and name = ?2 and removedAt is null",
            CollectionItemEntity.class)
        .setParameter(1, collectionId)
        .setParameter(2, name)
        .getResultStream()
        .findFirst();
  }

  /** The active items of a collection with these names, by name. One query. */
  public Map<String, CollectionItemEntity> activeItems(
      long collectionId, java.util.Collection<String> names) {
    Map<String, CollectionItemEntity> out = new java.util.HashMap<>();
    if (names.isEmpty()) {
      return out;
    }
    em.createQuery(
            "from CollectionItemEntity where collectionId = ?1 and removedAt is null"
                + " and name in ?2",
            CollectionItemEntity.class)
        .setParameter(1, collectionId)
        .setParameter(2, names)
        .getResultList()
        .forEach(i -> out.put(i.name, i));
    return out;
  }

  /**
   * For each of many matches (values of the same keys, compared as text), the newest active item of
   * the collection whose data holds them: one query for all of them (the values travel as one JSON
   * array and are joined to the items; {@code data ->> 'architecture'} is indexed, see {@code
   * V15}), then one load of the items found.
   *
   * @param keys the data keys every match gives a value for
   * @param values one array of values (in the order of {@code keys}) per match
   * @param valuesJson {@code values} as a JSON array of {@code {"ord": i, "v0": ..., ...}}
   * @return the item found for each index of {@code values}; none for a match that finds nothing
   */
  @SuppressWarnings("unchecked")
  public Map<Integer, CollectionItemEntity> newestMatching(
      long collectionId, String itemCategory, List<String> keys, String valuesJson) {
    StringBuilder columns = new StringBuilder("ord int");
    StringBuilder sql =
        new StringBuilder(
            "SELECT DISTINCT ON (w.ord) w.ord, ci.id FROM jsonb_to_recordset(CAST(:w AS jsonb)) AS"
                + " w(");
    StringBuilder join =
        new StringBuilder(
            " JOIN collection_item ci ON ci.collection_id = :c AND ci.removed_at IS NULL");
    if (itemCategory != null) {
      join.append(" AND ci.category = :category");
    }
    for (int i = 0; i < keys.size(); i++) {
      columns.append(", v").append(i).append(" text");
      // the key as a literal (not a parameter), so that an expression index on it can be used
      join.append(" AND ci.data ->> ").append(literal(keys.get(i))).append(" = w.v").append(i);
    }
    sql.append(columns).append(')').append(join);
    sql.append(" ORDER BY w.ord, ci.created_at DESC, ci.id DESC");
    var query = em.createNativeQuery(sql.toString());
    query.setParameter("w", valuesJson);
    query.setParameter("c", collectionId);
    if (itemCategory != null) {
      query.setParameter("category", itemCategory);
    }
    Map<Integer, Long> ids = new java.util.HashMap<>();
    for (Object[] row : (List<Object[]>) query.getResultList()) {
      ids.put(((Number) row[0]).intValue(), ((Number) row[1]).longValue());
    }
    Map<Integer, CollectionItemEntity> out = new java.util.HashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    Map<Long, CollectionItemEntity> byId = new java.util.HashMap<>();
    em.createQuery("from CollectionItemEntity where id in ?1", CollectionItemEntity.class)
        .setParameter(1, java.util.Set.copyOf(ids.values()))
        .getResultList()
        .forEach(i -> byId.put(i.id, i));
    ids.forEach((ord, id) -> out.put(ord, byId.get(id)));
    return out;
  }

  /** A text as an SQL string literal (standard-conforming strings: quotes doubled). */
  static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /**
   * Active items whose data holds every key=value given (values compared as text), newest first.
   * One query whatever the number of keys.
   */
  @SuppressWarnings("unchecked")
  public List<CollectionItemEntity> matching(
      long collectionId, String itemCategory, Map<String, String> data, int limit) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT * FROM collection_item WHERE collection_id = :c AND removed_at IS NULL");
    if (itemCategory != null) {
      sql.append(" AND category = :category");
    }
    int i = 0;
    for (String key : data.keySet()) {
      sql.append(" AND data ->> ").append(literal(key)).append(" = :v").append(i);
      i++;
    }
    sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
    var query = em.createNativeQuery(sql.toString(), CollectionItemEntity.class);
    query.setParameter("c", collectionId);
    if (itemCategory != null) {
      query.setParameter("category", itemCategory);
    }
    i = 0;
    for (Map.Entry<String, String> e : data.entrySet()) {
      query.setParameter("v" + i, e.getValue());
      i++;
    }
    query.setParameter("limit", limit);
    return query.getResultList();
  }

  /** Active items filtered the way the dict form of a lookup asks. */
  @SuppressWarnings("unchecked")
  public List<CollectionItemEntity> filtered(
      long collectionId,
      String childType,
      String category,
      String name,
      String namePrefix,
      String nameSuffix,
      String nameContains,
      Map<String, String> data) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT * FROM collection_item WHERE collection_id = :c AND removed_at IS NULL");
    Map<String, Object> params = new java.util.HashMap<>();
    params.put("c", collectionId);
    if (childType != null && !childType.equals("any")) {
      sql.append(" AND child_type = :childType");
      params.put("childType", childType);
    }
    if (category != null) {
      sql.append(" AND category = :category");
      params.put("category", category);
    }
    if (name != null) {
      sql.append(" AND name = :name");
      params.put("name", name);
    }
    if (namePrefix != null) {
      sql.append(" AND starts_with(name, :prefix)");
      params.put("prefix", namePrefix);
    }
    if (nameSuffix != null) {
      sql.append(" AND right(name, length(:suffix)) = :suffix");
      params.put("suffix", nameSuffix);
    }
    if (nameContains != null) {
      sql.append(" AND strpos(name, :contains) > 0");
      params.put("contains", nameContains);
    }
    int i = 0;
    for (Map.Entry<String, String> e : data.entrySet()) {
      sql.append(" AND data ->> :k").append(i).append(" = :v").append(i);
      params.put("k" + i, e.getKey());
      params.put("v" + i, e.getValue());
      i++;
    }
    sql.append(" ORDER BY name, id");
    var query = em.createNativeQuery(sql.toString(), CollectionItemEntity.class);
    params.forEach(query::setParameter);
    return query.getResultList();
  }
}
