"""The officer's view of one person across domains: search by NIK or name, the roster record,
their cases and help requests, their letters."""
