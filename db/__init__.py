"""The case store: models, migrations, the store API, workflow, deadlines, routing, metrics, change feed."""
