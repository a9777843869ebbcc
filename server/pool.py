"""A small pool of query worker processes that can be killed: a time limit that holds for any query.

Why processes: a thread cannot be stopped from outside, and some work never looks at a clock (a
catastrophic regular expression runs inside `re`'s C code, holding the GIL, for ever). A process
can be killed, and the time it used is given back at once.

How they start: `QueryPool` forks one *forker* process when it is created, right after the dataset
is loaded and while the process still has a single thread (gunicorn loads the app before its
worker starts any thread). The forker forks every query worker, at start and whenever one has to
be replaced. So every worker starts from the same clean, loaded state and shares the dataset's
memory pages with the others (copy-on-write), and none is ever forked from a process that has
other threads, which could leave a lock held for ever in the child.

A task goes to an idle worker over the worker's own socket. If no answer has come by the
deadline, the forker kills the worker (SIGKILL) and forks a fresh one; the caller gets
`TaskTimeout` at once. The forker also reaps its children, so a pid is never killed after it
could have been reused.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import resource
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.reduction import recv_handle, send_handle
from typing import Any, NoReturn

log = logging.getLogger(__name__)

Handler = Callable[[Any], Any]


class PoolError(Exception):
    """The pool could not run a task to its end; the subclass says why."""


class PoolBusy(PoolError):
    """No worker became free before the task's deadline."""


class TaskTimeout(PoolError):
    """The task ran past its deadline; its worker was killed and replaced."""


class WorkerOutOfMemory(PoolError):
    """The task needed more memory than a worker may use; its worker was replaced."""


class WorkerLost(PoolError):
    """The worker died while it held the task (killed from outside, or crashed)."""


class PoolClosed(PoolError):
    """The pool has been closed, or has no worker left."""


class TaskFailed(PoolError):
    """The handler raised an unexpected exception; `args[0]` is its traceback."""


@dataclass
class _Worker:
    pid: int
    conn: Connection


class QueryPool:
    """`size` worker processes, each running `handler(task)` for one task at a time.

    `handler` runs in the workers only; it must return something picklable, and should return
    (not raise) the errors it expects. `memory_mb` caps each worker's address space growth.
    """

    def __init__(self, handler: Handler, size: int, memory_mb: int | None = None) -> None:
        if size < 1:
            raise ValueError(f"a pool needs at least one worker, not {size}")
        self.size = size
        self._control_lock = threading.Lock()  # one conversation with the forker at a time
        self._idle_changed = threading.Condition()
        self._idle: list[_Worker] = []
        self._alive = 0
        self._closed = False
        parent_end, forker_end = socket.socketpair()
        for stream in (sys.stdout, sys.stderr):
            stream.flush()  # or the children would write out the parent's buffered text again
        pid = os.fork()
        if pid == 0:  # the forker
            try:
                parent_end.close()
                _forker_main(Connection(forker_end.detach()), handler, memory_mb)
            finally:
                os._exit(0)
        forker_end.close()
        self._forker_pid = pid
        self._control = Connection(parent_end.detach())
        atexit.register(self.close)
        for _ in range(size):
            self._idle.append(self._spawn())
            self._alive += 1

    @property
    def worker_pids(self) -> list[int]:
        """The pids of the idle workers (for tests and diagnostics)."""
        with self._idle_changed:
            return [worker.pid for worker in self._idle]

    def run(self, task: Any, deadline: float) -> Any:
        """`handler(task)` in an idle worker, answered before `deadline` (a `time.monotonic()`).

        Raises `PoolBusy`, `TaskTimeout`, `WorkerOutOfMemory`, `WorkerLost`, `PoolClosed` or
        `TaskFailed`; after any of them the pool is whole again.
        """
        worker = self._acquire(deadline)
        healthy = False
        try:
            kind, value = self._exchange(worker, task, deadline)
            healthy = kind in ("ok", "failed")
        finally:
            if healthy:
                self._release(worker)
            else:
                self._replace(worker)
        if kind == "ok":
            return value
        if kind == "failed":
            raise TaskFailed(value)
        raise WorkerOutOfMemory("the task needed more memory than a worker may use")

    def close(self) -> None:
        """Stop the forker and every worker; tasks still running end with `WorkerLost`."""
        with self._idle_changed:
            if self._closed:
                return
            self._closed = True
            idle, self._idle = self._idle, []
            self._idle_changed.notify_all()
        with self._control_lock:
            with contextlib.suppress(OSError):  # the forker may be gone already
                self._control.send(("exit",))
            self._control.close()
        for worker in idle:
            worker.conn.close()
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self._forker_pid, 0)  # it kills and reaps the workers before it exits

    # --- the parent's side ------------------------------------------------------------------

    def _acquire(self, deadline: float) -> _Worker:
        with self._idle_changed:
            while not self._idle:
                if self._closed or self._alive == 0:
                    raise PoolClosed("the query pool has no worker")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise PoolBusy(f"all {self._alive} query workers stayed busy")
                self._idle_changed.wait(remaining)
            return self._idle.pop()

    def _release(self, worker: _Worker) -> None:
        with self._idle_changed:
            if self._closed:
                worker.conn.close()
                return
            self._idle.append(worker)
            self._idle_changed.notify()

    def _exchange(self, worker: _Worker, task: Any, deadline: float) -> tuple[str, Any]:
        try:
            worker.conn.send(task)
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not worker.conn.poll(remaining):
                raise TaskTimeout("the task ran past its deadline")
            kind, value = worker.conn.recv()
        except (EOFError, OSError) as exc:
            raise WorkerLost(f"the query worker (pid {worker.pid}) stopped: {exc!r}") from None
        return kind, value

    def _replace(self, worker: _Worker) -> None:
        """Kill `worker` (through the forker, which reaps it) and put a fresh one in its place."""
        worker.conn.close()
        if self._closed:
            return  # the forker kills every worker as it stops
        try:
            with self._control_lock:
                self._control.send(("kill", worker.pid))
                self._control.recv()
            fresh = self._spawn()
        except (EOFError, OSError) as exc:  # the forker has gone: the pool shrinks
            log.error("cannot replace query worker %d: %r", worker.pid, exc)
            with self._idle_changed:
                self._alive -= 1
                self._idle_changed.notify_all()
            return
        self._release(fresh)

    def _spawn(self) -> _Worker:
        ours, theirs = socket.socketpair()
        try:
            with self._control_lock:
                self._control.send(("spawn",))
                send_handle(self._control, theirs.fileno(), self._forker_pid)
                pid = int(self._control.recv())
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        return _Worker(pid, Connection(ours.detach()))


# --- the forker and the workers (each ends with os._exit, never returns) ----------------------


def _forker_main(control: Connection, handler: Handler, memory_mb: int | None) -> NoReturn:
    _reset_signals()
    children: set[int] = set()
    try:
        while True:
            try:
                message = control.recv()
            except (EOFError, OSError):
                break  # the parent has gone
            _reap(children)
            if message[0] == "spawn":
                fd = recv_handle(control)
                pid = os.fork()
                if pid == 0:
                    _worker_main(fd, handler, memory_mb, control)
                os.close(fd)
                children.add(pid)
                control.send(pid)
            elif message[0] == "kill":
                if message[1] in children:  # reaped children are gone: their pid may be reused
                    _kill(message[1])
                    children.discard(message[1])
                control.send(True)
            else:
                break
    finally:
        for pid in children:
            _kill(pid)
        os._exit(0)


def _worker_main(fd: int, handler: Handler, memory_mb: int | None, control: Connection) -> NoReturn:
    try:
        control.close()
        _limit_memory(memory_mb)
        conn = Connection(fd)
        while True:
            try:
                task = conn.recv()
            except (EOFError, OSError):
                break  # the parent has gone
            reply = _handle(handler, task)
            try:
                conn.send(reply)
            except OSError:
                break
            except Exception:  # the reply could not be pickled: a bug, reported as such
                conn.send(("failed", traceback.format_exc()))
            if reply[0] == "memory":
                break  # the heap may be in a poor state; the parent forks a fresh worker
    finally:
        os._exit(0)


def _handle(handler: Handler, task: Any) -> tuple[str, Any]:
    try:
        return ("ok", handler(task))
    except MemoryError:
        return ("memory", None)
    except Exception:  # reported to the parent as a failure of the server, never as a 4xx
        text = traceback.format_exc()
        print(f"civicgraph query worker {os.getpid()}: {text}", file=sys.stderr, flush=True)
        return ("failed", text)


def _reset_signals() -> None:
    """Undo what the parent (a gunicorn worker, say) set up: its handlers mean nothing here."""
    signal.set_wakeup_fd(-1)
    for name in ("SIGTERM", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGWINCH", "SIGABRT"):
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    # Ctrl-C reaches the whole process group; the parent decides when the pool stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _reap(children: set[int]) -> None:
    for pid in list(children):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            children.discard(pid)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _limit_memory(memory_mb: int | None) -> None:
    """Let this process grow its address space by at most `memory_mb` (Linux; else no cap)."""
    if not memory_mb:
        return
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            current = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = current + memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
