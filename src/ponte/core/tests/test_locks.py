"""Locks shared through the cache (ponte.core.locks): one holder at a time whichever process
asks, released at the end, never someone else's; a city's reminders run once at a time across
workers. On CI's PostgreSQL pass the cache is Redis, so these hold between machines."""

import datetime

from django.core.cache import cache

from ponte.core.locks import held
from ponte.core.services import follow_up_add
from ponte.core.tasks import send_follow_up_reminders_task


def test_one_holder_at_a_time_and_released_at_the_end(db):
    with held("report:7", seconds=60) as first:
        with held("report:7", seconds=60) as second:
            assert (first, second) == (True, False)
        with held("report:8", seconds=60) as other:
            assert other  # another name, another lock
    with held("report:7", seconds=60) as again:
        assert again


def test_a_lock_taken_over_after_its_expiry_is_left_to_its_new_holder(db):
    with held("import:1", seconds=60) as mine:
        assert mine
        cache.set("ponte:lock:import:1", "someone-else", 60)  # ours expired, another took it
    assert cache.get("ponte:lock:import:1") == "someone-else"


def test_a_citys_reminders_are_not_sent_while_another_worker_sends_them(smtp_server, users, action, office):
    follow_up_add(
        origin=action,
        user=users["owner"],
        title="Inviare il verbale",
        owner_office=office,
        due_date=datetime.date.today() - datetime.timedelta(days=3),
    )
    with held(f"follow-up-reminders:{action.city.slug}", seconds=60):  # another worker's run
        assert send_follow_up_reminders_task.call(action.city.slug) == 0
    assert smtp_server.messages == []
    assert send_follow_up_reminders_task.call(action.city.slug) == 1
    assert [message["To"] for message in smtp_server.messages] == [users["editor"].email]


def _expires(key: str) -> bool:
    """Whether the cache (local memory, or Redis on CI's PostgreSQL pass) holds `key` with an expiry."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    full = backend.make_key(key)
    if isinstance(backend, RedisCache):
        return backend._cache.get_client(full).ttl(full) > 0
    return backend._expire_info.get(full) is not None


def test_a_rate_limit_counts_every_attempt_and_its_window_always_ends(rf):
    from ponte.core.ratelimit import allow

    request = rf.post("/", REMOTE_ADDR="203.0.113.7")
    assert [allow(request, "feedback", limit=2, window=60) for _ in range(3)] == [True, True, False]
    assert _expires("ponte:rate:feedback:203.0.113.7")
    # The key expired between Redis's EXISTS and INCR, which recreated it without an expiry:
    cache.set("ponte:rate:desk:203.0.113.7", 0, timeout=None)
    assert allow(request, "desk", limit=2, window=60)
    assert _expires("ponte:rate:desk:203.0.113.7")
