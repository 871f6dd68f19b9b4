"""Delta sync for offline apps: every change since a cursor, across all collections."""
