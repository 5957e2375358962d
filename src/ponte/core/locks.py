"""Locks that every web process and worker share, through the cache.

`cache.add` stores a key only when it is absent, for one caller only: on Redis it is one atomic
`SET NX` with the lock's expiry, so whichever machine asks first holds the lock, and a holder
that dies frees it when it expires. The work that must never run twice at the same time across
workers (the reminder mails of a city, which two cron lines or two queued runs could start
together) takes one; the rest of Ponte's queues claim their rows in the database (conditional
UPDATEs: newsletter deliveries, follow notices, import jobs), which is shared already.
"""

import contextlib
import uuid

from django.core.cache import cache


@contextlib.contextmanager
def held(name: str, *, seconds: int):
    """`with held("update-reminders:bologna", seconds=3600) as mine:` — `mine` is True for the one
    caller that took the lock, False while another holds it. Released at the end, unless it
    expired meanwhile and someone else took it (theirs is left alone)."""
    key = f"ponte:lock:{name}"
    token = uuid.uuid4().hex
    mine = cache.add(key, token, seconds)
    try:
        yield mine
    finally:
        if mine and cache.get(key) == token:
            cache.delete(key)


# A city's reminders take minutes at most; a worker that died holding the lock delays the next
# run by this much at worst.
REMINDER_LOCK_SECONDS = 3600
