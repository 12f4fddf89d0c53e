"""Complaints (pengaduan): filing and tracking without an account, and the officers' handling of
cases: queue, case page, actions over the transitions table, assisted filing, SLA, reports,
reply templates, residents' files."""
