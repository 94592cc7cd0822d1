"""Shared by the benchmarks that start servers of their own."""

import os
import signal
import subprocess


def stop_group(process: subprocess.Popen | None) -> None:
    """Stop a server started in a session of its own: SIGTERM, then SIGKILL if it lingers."""
    if process is None or process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue
