"""Celery configuration for discovery (read by discovery.runtime.app via config_from_object)."""

from discovery.runtime.schedule import beat_schedule
from discovery.settings import QUEUE_POOLS, get_settings

_settings = get_settings()

broker_url = _settings.redis_url
broker_connection_retry_on_startup = True
# If a whole worker dies holding a task, Redis gives it back after this; PGMQ's own lease (far
# shorter, extended by the running task) has re-read the message by then, and the read_ct fence
# drops the stale copy. Longer than the hard time limit, so Redis never hands a live task twice.
broker_transport_options = {
    "visibility_timeout": max(_settings.discovery_visibility_timeout_s, _settings.discovery_task_time_limit_s) + 600
}

# JSON only, pinned rather than left to Celery's default: a message that asks to be unpickled
# (code run in the pool) is refused whatever a later Celery or a setting elsewhere defaults to.
task_serializer = "json"
accept_content = ["json"]
result_accept_content = ["json"]
event_serializer = "json"

# No result backend: outcomes live in Postgres (pgmq archive, queue_metrics, worker_issues).
task_ignore_result = True
result_backend = None

# Per-message tasks: acknowledged late, one at a time per process. The time limits may exceed the
# lease: the task's heartbeat extends it while the task lives, and stops when the limit kills it.
task_acks_late = True
worker_prefetch_multiplier = 1
task_reject_on_worker_lost = False  # a message that kills its worker comes back through PGMQ's read_ct
task_soft_time_limit = _settings.discovery_task_soft_time_limit_s
task_time_limit = _settings.discovery_task_time_limit_s

# One dedicated pool per worker type: `celery -A discovery worker -Q producers`.
task_routes = {f"discovery.process.{queue}": {"queue": pool} for queue, pool in QUEUE_POOLS.items()}
task_default_queue = "artists"
task_create_missing_queues = True

beat_schedule = beat_schedule(_settings)
timezone = "UTC"

# Flower watches these.
worker_send_task_events = True
task_send_sent_event = True
worker_hijack_root_logger = False
# Our handler writes straight to stderr; redirecting it through Celery's logger would wrap
# every line in a second prefix.
worker_redirect_stdouts = False
