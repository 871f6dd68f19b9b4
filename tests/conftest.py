"""The suite's fixtures and hooks are plugins in tests/toolkit: one database per run (SQLite
file or a fresh PostgreSQL database), migrated and seeded once, each test in a transaction
that is rolled back; typed clients and keys; live apps on databases of their own."""

pytest_plugins = [
    "tests.toolkit.backends",
    "tests.toolkit.database",
    "tests.toolkit.clients",
    "tests.toolkit.live",
    "tests.toolkit.seaweedfs",
]
