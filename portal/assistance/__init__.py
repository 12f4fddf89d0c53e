"""Accessibility assistance and assisted registration (/bantuan): requests with their own
lifecycle, minimal disability data with consent, officers' scheduling and outcomes."""
