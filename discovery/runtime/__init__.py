"""The Celery glue: the app, the tasks, the bridge (a PGMQ batch -> one task per message) and beat's
schedule. Uses the workers; knows nothing of the operator's commands."""
