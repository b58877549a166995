"""gunicorn's settings for the `web` process (Procfile), read from the environment.

gunicorn itself writes no access log: the request log middleware writes one line per request,
without the query string that carries media URL signatures (teachingfile/logs.py).
"""

import multiprocessing
import os

from teachingfile.logs import logging_config

bind = (
    os.environ.get("BIND")
    or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
# Sync workers: pages are short database reads; the slow work (images, imports) runs in Celery.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2)
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
# A worker is replaced after this many requests, so that no slow leak grows without bound.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Uploads go through the proxy (nginx buffers them), so the workers read them from memory.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# gunicorn's own lines (start, worker boots and timeouts) in the site's format: JSON lines in
# production, as the settings choose for LOG_FORMAT.
_debug = os.environ.get("DEBUG", "1").strip().lower() in {"1", "true", "yes", "on"}
if (os.environ.get("LOG_FORMAT") or ("text" if _debug else "json")) == "json":
    logconfig_dict = logging_config(log_format="json", level=loglevel.upper())
# The application is loaded once in the master: a misconfiguration stops the start with its
# message instead of failing every worker in turn, and workers share the loaded code's memory.
preload_app = True
# gunicorn's control socket (`gunicornc`) sits in the home directory by default, where two
# instances on one machine would take each other's; it is off unless a path is given.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True
