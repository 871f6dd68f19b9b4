"""Recommendations: safety triage first, then likely causes, what to do and what to avoid."""
