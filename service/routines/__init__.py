"""Routines: ordered stretches with a time for each."""
