"""Letter batches run outside the web worker (a process of their own; the task-queue issue replaces it)."""
