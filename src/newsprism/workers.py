"""Work in a child interpreter: ``python -m MODULE ARGS`` reading pickled requests on stdin and writing
replies on stdout, one length-prefixed frame each. A plain subprocess rather than multiprocessing, so it
works from any caller (no ``__main__`` guard needed, no fork of a threaded server); results come back
as futures, in order. The sentence encoder and the extractor use it to put a second core to work."""

from __future__ import annotations

import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
from collections import deque
from concurrent.futures import Future
from typing import Any, Callable


def write_frame(fh, obj) -> None:
    blob = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    fh.write(struct.pack("<Q", len(blob)))
    fh.write(blob)
    fh.flush()


def read_frame(fh):
    head = fh.read(8)
    if len(head) < 8:
        raise EOFError
    (size,) = struct.unpack("<Q", head)
    return pickle.loads(fh.read(size))


def serve(handle: Callable[[Any], Any]) -> None:
    """A worker's loop: each request in, ``handle(request)`` out; an exception is reported, not fatal."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a library printing to stdout must not corrupt the frames
    inp = sys.stdin.buffer
    while True:
        try:
            request = read_frame(inp)
        except EOFError:
            return
        try:
            write_frame(out, ("ok", handle(request)))
        except Exception as exc:  # reported to the caller's future, the loop goes on
            write_frame(out, ("error", f"{type(exc).__name__}: {exc}"))


class Worker:
    """A child ``python -m module *args`` that answers ``submit(request)`` with a future."""

    def __init__(self, module: str, *args: str, name: str | None = None):
        self.name = name or module
        self._futures: deque[Future] = deque()
        self._lock = threading.Lock()
        self._outbox: queue.SimpleQueue = queue.SimpleQueue()
        self._proc = subprocess.Popen([sys.executable, "-m", module, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        # Writing happens on a thread of its own: a full pipe must not stall the caller.
        self._writer = threading.Thread(target=self._write, daemon=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._writer.start()
        self._reader.start()

    def submit(self, request) -> Future:
        future: Future = Future()
        with self._lock:
            if not self._reader.is_alive():  # the child is gone: nobody would ever answer
                future.set_exception(RuntimeError(f"the background {self.name} stopped (exit {self._proc.poll()})"))
                return future
            self._futures.append(future)
        self._outbox.put((request,))
        return future

    def _write(self) -> None:
        stdin = self._proc.stdin
        while (item := self._outbox.get()) is not None:
            try:
                write_frame(stdin, item[0])
            except OSError:  # the worker is gone: the reader fails every waiting future
                return
        stdin.close()

    def _read(self) -> None:
        try:
            while True:
                status, payload = read_frame(self._proc.stdout)
                future = self._futures.popleft()
                if status == "ok":
                    future.set_result(payload)
                else:
                    future.set_exception(RuntimeError(f"{self.name}: {payload}"))
        except (EOFError, OSError, pickle.UnpicklingError):
            with self._lock:
                while self._futures:
                    self._futures.popleft().set_exception(
                        RuntimeError(f"the background {self.name} stopped (exit {self._proc.poll()})"))

    def close(self) -> None:
        self._outbox.put(None)
        self._writer.join(timeout=30)
        try:
            self._proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._proc.kill()
        self._reader.join(timeout=5)
