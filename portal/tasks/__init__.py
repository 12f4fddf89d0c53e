"""The task queue: work that outlives a request (letter batches, web roster imports, e-mail
delivery, the statistics count, purges) runs on Huey consumers, any consumer on any node.

The database holds the truth about every piece of work (a job's state, a message's state); a
task in the queue is only the nudge to do it. So every task is safe to run twice, and a
periodic task finds work whose nudge was lost (a consumer killed, a queue flushed) and nudges
it again. docs/architecture.md, "Background work", argues the choice of Huey.
"""
