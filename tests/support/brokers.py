"""Brokers that do not answer: a port nobody listens on, a listener that never replies, and Celery pointed at
either for a block."""

import socket
import threading
from contextlib import contextmanager

from portal.core import outbox


def closed_port() -> int:
    """A port of 127.0.0.1 nobody listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def silent_listener():
    """A listener on loopback that accepts connections and never answers (a Redis stopped with SIGSTOP, a half-open
    network path). Yields its port."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.2)
    held, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, name="silent-listener", daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        server.close()


def _reset_pools(app):
    """Forget the connections made to the previous broker (kombu keeps one pool per broker URL)."""
    from kombu import pools

    app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


@contextmanager
def broker_at(url: str):
    """Celery publishes to the broker at `url` (not eagerly) inside the block; as configured after it."""
    from portal.celery import app

    saved = app.conf.broker_url, app.conf.task_always_eager
    _reset_pools(app)
    app.conf.broker_url, app.conf.task_always_eager = url, False
    outbox._paused_until = 0.0
    try:
        yield app
    finally:
        _reset_pools(app)
        app.conf.broker_url, app.conf.task_always_eager = saved
        outbox._paused_until = 0.0
