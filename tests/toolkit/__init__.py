"""The suite's shared fixtures and helpers, registered as plugins by tests/conftest.py.

- backends: the `--backend` option and the hooks that act on it;
- database: the run's database and each test's rolled-back transaction;
- clients: typed test clients, API keys of each role and clients that send them;
- live: apps on databases of their own whose requests really commit;
- queries: the SQL statements a request runs; repository: where its parts are, Alembic's
  configuration (helpers, not plugins).
"""
