"""Symptoms a person can report, with red flags and what each points to."""
