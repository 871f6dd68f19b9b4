"""Stretches: how to do them, how long to hold, and when not to."""
