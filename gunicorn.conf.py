"""gunicorn settings; every value can be overridden with GUNICORN_* or the command line."""

import multiprocessing
import os
import tempfile

workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
# gevent: a slow client holds a greenlet, not a worker (docs/performance.md has the figures);
# gunicorn's own error answers are problem+json (gunicorn_worker.py).
worker_class = "gunicorn_worker.ProblemGeventWorker"
# Connections each worker serves at once, slow ones included.
worker_connections = 1000
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# SIGTERM: stop accepting, let in-flight requests finish for up to this many seconds.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
# Also the time a client has to send a request's headers (the gevent worker's deadline).
keepalive = 5
# Long filter URLs must not be refused with a 414.
limit_request_line = 8190
# One control socket per instance would collide between instances on one machine.
control_socket_disable = True
# The service writes one JSON line per request itself (with its request id); gunicorn's access
# line would double that cost. GUNICORN_ACCESS_LOG=- turns it back on (to stdout).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"

# Files this instance's workers share: metrics merged at /metrics, and rate-limit counters
# (without Redis), so that a budget means the same whatever the number of workers.
_metrics_dir = os.path.join(tempfile.gettempdir(), f"backcare-metrics-{os.getpid()}")
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", _metrics_dir)
_limits_file = os.path.join(tempfile.gettempdir(), f"backcare-ratelimits-{os.getpid()}.sqlite")
os.environ.setdefault("RATELIMIT_FILE", _limits_file)


def on_starting(server):
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        os.remove(os.path.join(folder, name))


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if os.environ.get("RATELIMIT_FILE") != _limits_file:
        return  # a file someone chose is theirs to keep
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(_limits_file + suffix):
            os.remove(_limits_file + suffix)


def post_worker_init(worker):
    # Each worker also runs import jobs in a thread (service/admin/jobs.py), so that `make run`
    # needs nothing else; JOB_WORKER=false leaves them to `flask --app service jobs work`.
    from service.admin import jobs

    jobs.start_workers()


def worker_exit(server, worker):
    # A job in progress rolls back and goes back to the queue for another worker at once.
    from service.admin import jobs

    jobs.stop_workers(timeout=10)
