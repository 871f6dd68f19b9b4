"""Strengthening exercises for the core, glutes and lower back."""
