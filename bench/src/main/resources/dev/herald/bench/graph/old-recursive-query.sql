WITH RECURSIVE dependents (
dependent_type, dependent_id, blocker_type, blocker_id,
created, deleted, dependency_distance, dependency_path
) AS (
-- Base case: direct dependencies
SELECT d.dependent_type, d.dependent_id, d.blocker_type, d.blocker_id,
d.created, d.deleted,
1 AS dependency_distance,
ARRAY[ROW(d.dependent_type, d.dependent_id,
d.blocker_type, d.blocker_id)] AS dependency_path
FROM dependencies.dependencies AS d
WHERE {upstream_id_field} = %(root_dependency_id)s
AND {upstream_type_field} = %(root_dependency_type)s
AND d.deleted IS NULL
UNION ALL
-- Recursive case: traverse the graph
SELECT d.dependent_type, d.dependent_id, d.blocker_type, d.blocker_id,
d.created, d.deleted,
rd.dependency_distance + 1 AS dependency_distance,
rd.dependency_path || ARRAY[ROW(...)] AS dependency_path
FROM dependencies.dependencies AS d
JOIN dependents AS rd
ON (d.{upstream_id} = rd.{downstream_id}
AND d.{upstream_type} = rd.{downstream_type})
WHERE NOT ROW(d.dependent_type, d.dependent_id,
d.blocker_type, d.blocker_id) = ANY(rd.dependency_path)
AND d.deleted IS NULL
)
SELECT * FROM dependents
