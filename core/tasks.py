import socket

from celery import shared_task


@shared_task
def echo(value: str) -> dict:
    """A round trip through the broker: proves a worker is consuming and answering."""
    return {"value": value, "worker": socket.gethostname()}
