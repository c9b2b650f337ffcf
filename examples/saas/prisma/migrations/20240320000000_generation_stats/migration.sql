CREATE MATERIALIZED VIEW generation_stats AS
  SELECT "projectId", count(*) AS generations
  FROM "Generation"
  GROUP BY "projectId"
WITH DATA;

CREATE INDX generation_stats_project_idx ON generation_stats ("projectId");
