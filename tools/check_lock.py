"""Check that this Python environment holds exactly the packages of a lock file.

    python tools/check_lock.py requirements.lock

Every installed distribution must be pinned in the lock (`name==version`) at that version, and
every pinned package must be installed. Two are allowed outside the lock: pip itself (the one
`python3 -m venv` brings; the install never upgrades it) and the project (installed from its own
folder). Exit status 0 when the environment is the lock, 1 with one line per difference otherwise.

This is the check that would have caught an install resolving anything by itself: a package the
lock does not name, or another version of one it does, is an error here.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;\\]+)")
OUTSIDE_THE_LOCK = {"pip", "civicgraph"}


def canonical(name: str) -> str:
    """The normalised form of a distribution name (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(text: str) -> dict[str, str]:
    """{canonical name: version} of every `name==version` line of a pip requirements lock."""
    pins: dict[str, str] = {}
    for line in text.splitlines():
        match = PIN.match(line)
        if match:
            pins[canonical(match.group(1))] = match.group(3)
    return pins


def installed() -> dict[str, str]:
    """{canonical name: version} of every distribution this interpreter sees."""
    found: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found[canonical(name)] = dist.version
    return found


def differences(pins: dict[str, str], have: dict[str, str]) -> list[str]:
    """One line per way `have` differs from `pins` (pip and the project aside)."""
    lines = []
    for name in sorted(have.keys() - pins.keys() - OUTSIDE_THE_LOCK):
        lines.append(f"{name}=={have[name]} is installed but not in the lock")
    for name in sorted(pins.keys() - have.keys()):
        lines.append(f"{name}=={pins[name]} is in the lock but not installed")
    for name in sorted(pins.keys() & have.keys()):
        if pins[name] != have[name]:
            lines.append(f"{name} is {have[name]}, the lock pins {pins[name]}")
    return lines


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: check_lock.py LOCKFILE", file=sys.stderr)
        return 2
    pins = read_lock(Path(argv[1]).read_text(encoding="utf-8"))
    if not pins:
        print(f"check_lock: {argv[1]} pins no package", file=sys.stderr)
        return 1
    lines = differences(pins, installed())
    for line in lines:
        print(f"check_lock: {line}", file=sys.stderr)
    if lines:
        return 1
    print(f"check_lock: the environment is {argv[1]} ({len(pins)} packages), nothing else")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
