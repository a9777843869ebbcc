"""A long build's progress: plain log lines off a terminal, a live bar on one."""

from __future__ import annotations

import io
import logging

import pytest

import graph.progress
from graph.progress import Progress


def test_plain_lines_say_stage_done_total_rate_and_time_left(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(graph.progress, "LOG_EVERY", 0.0)
    with (
        caplog.at_level(logging.INFO, logger="civicgraph.build"),
        Progress(live=False).stage("extract", 4) as step,
    ):
        step.advance(2)
        step.advance()
        step.advance()
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0].startswith("extract: 2/4 (50%), ")
    assert lines[0].endswith(" left") and "/s, about " in lines[0]
    assert lines[1].startswith("extract: 3/4 (75%)")
    assert len(lines) == 2, "no line for the stage's end: the build logs its time"


def test_a_short_stage_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="civicgraph.build"):
        with Progress(live=False).stage("serialise", 3) as step:
            for _ in range(3):
                step.advance()
        with Progress.quiet().stage("extract", 2) as step:
            step.advance(2)
    assert caplog.records == []


def test_on_a_terminal_a_bar_with_count_rate_and_time_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rich.console import Console

    screen = io.StringIO()
    monkeypatch.setattr(
        "rich.console.Console",
        lambda **kw: Console(file=screen, force_terminal=True, width=120),
    )
    with Progress(live=True).stage("extract", 10) as step:
        for _ in range(10):
            step.advance()
    text = screen.getvalue()
    assert "extract" in text
    assert "10/10" in text
    assert "/s" in text
