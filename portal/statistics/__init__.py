"""Transparency: public program figures (/statistik), their open data, Open311 (read only)."""
