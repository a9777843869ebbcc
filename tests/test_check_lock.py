"""tools/check_lock.py: the installed environment is exactly requirements.lock."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

from check_lock import differences, read_lock

ROOT = Path(__file__).resolve().parent.parent
LOCK = """\
# a comment
Flask==3.1.0 \\
    --hash=sha256:abc
    # via civicgraph
smart-open[http]==9.0.2 \\
    --hash=sha256:def
typing_extensions==4.12.2 ; python_version < "3.13"
"""


def test_the_lock_is_read_with_canonical_names() -> None:
    assert read_lock(LOCK) == {
        "flask": "3.1.0",
        "smart-open": "9.0.2",
        "typing-extensions": "4.12.2",
    }


def test_every_difference_is_named() -> None:
    pins = {"flask": "3.1.0", "smart-open": "9.0.2"}
    have = {"flask": "3.1.1", "requests": "2.32.0", "pip": "23.2.1", "civicgraph": "0.1.0"}
    assert differences(pins, have) == [
        "requests==2.32.0 is installed but not in the lock",
        "smart-open==9.0.2 is in the lock but not installed",
        "flask is 3.1.1, the lock pins 3.1.0",
    ]
    assert differences(pins, {"flask": "3.1.0", "smart-open": "9.0.2", "pip": "26.0"}) == []


def test_this_environment_is_the_lock() -> None:
    """What `make setup` installed is requirements.lock, nothing more, nothing less."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "check_lock.py"), str(ROOT / "requirements.lock")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
