"""Run the app under gunicorn: one process, many threads.

Flask-SocketIO in threading mode keeps one thread per live connection, and all
browsers of a session must reach the same process (its rooms live in memory),
so there is exactly one worker. See ARCHITECTURE.md.
"""

from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    def __init__(self, options: dict[str, object]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from mag import create_app

        return create_app()


def run(host: str, port: int, threads: int) -> None:
    _Server(
        {
            "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "workers": 1,
            "worker_class": "gthread",
            "threads": threads,
            "timeout": 60,
            "graceful_timeout": 10,
            "accesslog": None,
            "loglevel": "warning",
        }
    ).run()
