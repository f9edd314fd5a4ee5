"""Settings for the Celery workers the reminder tests start (tests/supervision/
test_reminder_worker.py): the test settings, with emails written to files the test can
count, and, when asked, unacknowledged messages redelivered within seconds rather than
the hour Redis waits by default."""

import os

from config.test_settings import *  # noqa: F403

EMAIL_BACKEND = "tests.supervision.mail_backend.FileRecordingBackend"

if visibility := os.environ.get("LAUNCHPAD_TEST_VISIBILITY_TIMEOUT"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
        "visibility_timeout": int(visibility),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
