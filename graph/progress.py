"""A long build's progress: a live bar on a terminal, plain log lines anywhere else.

On a terminal (stderr is a TTY) each stage is a rich progress bar with what is done of how
much, the rate and the time left. Otherwise (a log file, CI, a pipe) a stage logs a line when
it starts, about every ten seconds while it runs, and when it ends, so a build's log stays
short and readable.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger("civicgraph.build")

LOG_EVERY = 10.0  # seconds between a stage's plain progress lines


class Step:
    """The running stage: `advance()` as each unit of its work is done."""

    def __init__(self, name: str, total: int, bar: Any = None, task: Any = None) -> None:
        self.name = name
        self.total = total
        self.done = 0
        self.started = time.perf_counter()
        self._bar = bar
        self._task = task
        self._logged = self.started

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.perf_counter()
        if self._bar is not None:
            rate = self.done / max(now - self.started, 1e-9)
            self._bar.update(self._task, completed=self.done, rate=f"{rate:.1f}/s")
            return
        if now - self._logged >= LOG_EVERY and self.done < self.total:
            self._logged = now
            log.info("%s", self.status(now))

    def status(self, now: float) -> str:
        """ "extract: 120/500 (24%), 3.1/s, about 2 min 3 s left"."""
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        line = f"{self.name}: {self.done}/{self.total}"
        if self.total:
            line += f" ({100 * self.done // self.total}%)"
        if rate > 0 and self.done < self.total:
            left = (self.total - self.done) / rate
            line += f", {rate:.1f}/s, about {_duration(left)} left"
        return line


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


class Progress:
    """Stages of a build, each with a count of work: bars on a terminal, log lines elsewhere."""

    def __init__(self, live: bool | None = None, enabled: bool = True) -> None:
        self.live = sys.stderr.isatty() if live is None else live
        self.enabled = enabled

    @classmethod
    def quiet(cls) -> Progress:
        """No bar and no progress lines (a library call, a test)."""
        return cls(live=False, enabled=False)

    @contextmanager
    def stage(self, name: str, total: int) -> Iterator[Step]:
        if not self.enabled:
            yield Step(name, total)
            return
        if not self.live:  # a line now and then, once a stage has run LOG_EVERY seconds
            yield Step(name, total)
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as Bar

        columns = (
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            TextColumn("left"),
        )
        with Bar(*columns, console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task(name, total=total, rate="")
            step = Step(name, total, bar, task)
            yield step
