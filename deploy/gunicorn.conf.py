"""Gunicorn settings for Ponte (`gunicorn -c deploy/gunicorn.conf.py ponte.wsgi`).

Every value can be changed from the environment, so the systemd unit and the container image
share this file. Ponte's views are synchronous and short; reports and imports run in the worker.
"""

import multiprocessing
import os

wsgi_app = "ponte.wsgi:application"
chdir = os.environ.get("PONTE_SRC", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: one request at a time each; (2 × cores) + 1 is gunicorn's own advice.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # a large upload on a slow line
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# A worker is replaced after this many requests (with jitter), so a slow leak cannot grow.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# Headers and bodies are bounded by nginx and Django; these bound what reaches Python.
limit_request_line = 8190
limit_request_fields = 100
# The proxies whose X-Forwarded-* headers are believed (the nginx in front, or the compose
# network); Django reads the client's address per PONTE_TRUSTED_PROXIES.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proxy_allow_ips = forwarded_allow_ips
# Logs on stdout/stderr (journald or the container's log); the access log with the time taken
# in microseconds (%(D)s) and the forwarded client address.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)sus'
# Import the application before forking: less memory per worker, and a broken configuration stops
# the start instead of every worker.
preload_app = True
