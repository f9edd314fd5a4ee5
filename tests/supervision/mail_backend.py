"""An email backend for the tests that run real Celery workers: each message is written
to its own file in LAUNCHPAD_TEST_MAIL_DIR, so the test (another process) can count
exactly what was sent.

LAUNCHPAD_TEST_MAIL_HANG_AT=N stops the worker just before it sends its Nth message: it
writes a "hanging" marker and sleeps, so the test can kill it mid-run at a known point
(with that person's digest transaction open). LAUNCHPAD_TEST_MAIL_DELAY=seconds slows
each message down, so that two runs at once really overlap.
"""

import itertools
import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

_count = itertools.count(1)


class FileRecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        folder = Path(os.environ["LAUNCHPAD_TEST_MAIL_DIR"])
        hang_at = int(os.environ.get("LAUNCHPAD_TEST_MAIL_HANG_AT") or 0)
        delay = float(os.environ.get("LAUNCHPAD_TEST_MAIL_DELAY") or 0)
        for message in email_messages:
            if next(_count) == hang_at:
                (folder / "hanging").write_text(",".join(message.to))
                time.sleep(3600)
            if delay:
                time.sleep(delay)
            name = f"{time.time_ns()}-{os.getpid()}-{uuid.uuid4().hex}.eml"
            (folder / name).write_bytes(message.message().as_bytes())
        return len(email_messages)
