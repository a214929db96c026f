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
      sql.append(" AND data ->> :k").append(i).append(" = :v").append(i);
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
      query.setParameter("k" + i, e.getKey());
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
