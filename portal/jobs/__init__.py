"""Background jobs: what an officer started that runs on the task queue (a letter batch, a web
roster import), with who, scope, progress, result and errors in one table every node reads."""
