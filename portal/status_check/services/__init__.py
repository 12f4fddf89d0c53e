"""The status check's services: the check itself (`check`) and how long its log is kept
(`retention`)."""
