"""Causes of back pain after stretching, and the conditions a person may already have."""
