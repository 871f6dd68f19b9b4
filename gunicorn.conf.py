"""gunicorn settings; every value can be overridden with GUNICORN_* or the command line."""

import multiprocessing
import os
import tempfile

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

# Metrics from every worker are merged at /metrics through files in this folder.
_metrics_dir = os.path.join(tempfile.gettempdir(), f"backcare-metrics-{os.getpid()}")
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", _metrics_dir)


def on_starting(server):
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        os.remove(os.path.join(folder, name))


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    # Each worker also runs import jobs in a thread (service/admin/jobs.py), so that `make run`
    # needs nothing else; JOB_WORKER=false leaves them to `flask --app service jobs work`.
    from service.admin import jobs

    jobs.start_workers()


def worker_exit(server, worker):
    # A job in progress rolls back and goes back to the queue for another worker at once.
    from service.admin import jobs

    jobs.stop_workers(timeout=10)
