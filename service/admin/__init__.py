"""Editors' side: bundles (import, export, seed)."""
