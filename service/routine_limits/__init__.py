"""Routine limits: the dose a recommended routine keeps to, overall or with pain in a band."""
