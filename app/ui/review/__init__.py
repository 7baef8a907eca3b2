"""The supervisor review station (`gridwatch review`, and the "review" workspace): closure review,
evaluation with drill-down, charts and the thematic map."""
