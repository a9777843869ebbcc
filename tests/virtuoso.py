"""A private Virtuoso for the tests: Debian's virtuoso-opensource 7 on free loopback ports.

The `virtuoso` session fixture starts `virtuoso-t` in the foreground with its own database
folder and its own `virtuoso.ini` under the session's temporary folder (never the system
service, its database or its ports), waits until `/sparql` answers, gives the `dba` account a
fresh random password with `isql-vt`, yields the endpoints, and stops the server at the end of
the session. Nothing is granted to the anonymous `SPARQL` account: the unauthenticated
`/sparql-graph-crud` stays read-only, and writing goes through `/sparql-graph-crud-auth`
(HTTP Digest, as `dba`). Without Virtuoso installed the fixture fails, naming `make test-tools`.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from live import free_port

SERVER = "virtuoso-t"
ISQL = "isql-vt"
START_SECONDS = 120
STOP_SECONDS = 60
MISSING = (
    "{program} is not installed: run `make test-tools` (it installs Debian's "
    "virtuoso-opensource, which the graph store tests publish to)"
)

# Adapted from Debian's /etc/virtuoso-opensource-7/virtuoso.ini: every file in the private
# folder, both ports on loopback only, small buffers (the dataset is ~12,000 quads), no hosting
# plugins, no VAD folder, no automatic checkpoints, and only the private folder readable by SQL.
INI = """\
[Database]
DatabaseFile       = {root}/virtuoso.db
ErrorLogFile       = {root}/virtuoso.log
LockFile           = {root}/virtuoso.lck
TransactionFile    = {root}/virtuoso.trx
xa_persistent_file = {root}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {root}/virtuoso-temp.db
TransactionFile    = {root}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{sql_port}
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 10
CheckpointInterval       = 0
O_DIRECT                 = 0
CaseMode                 = 2
MaxStaticCursorRows      = 5000
AllowOSCalls             = 0
DirsAllowed              = ., {root}
ThreadCleanupInterval    = 0
ThreadThreshold          = 10
ResourcesCleanupInterval = 0
NumberOfBuffers          = {buffers}
MaxDirtyBuffers          = {dirty_buffers}
MaxQueryMem              = 512M
ThreadsPerQuery          = 2
AsyncQueueMaxThreads     = 4

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = {root}
MaxClientConnections        = 8
ServerThreads               = 8
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
Charset                     = UTF-8
EnabledGzipContent          = 0
KeepAliveTimeout            = 10
MaxKeepAlives               = 8

[SPARQL]
ResultSetMaxRows           = 100000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = {max_query_seconds}
"""


@dataclass(frozen=True)
class Virtuoso:
    """A running private Virtuoso: its HTTP base URL, SQL port, dba password, start time."""

    base: str
    sql_port: int
    password: str
    startup_seconds: float
    folder: Path

    user = "dba"

    @property
    def sparql(self) -> str:
        """The SPARQL 1.1 Protocol endpoint (queries; the default graph is every graph)."""
        return f"{self.base}/sparql"

    @property
    def crud(self) -> str:
        """The Graph Store Protocol endpoint without authentication (read-only here)."""
        return f"{self.base}/sparql-graph-crud"

    @property
    def crud_auth(self) -> str:
        """The Graph Store Protocol endpoint behind HTTP Digest authentication (as dba)."""
        return f"{self.base}/sparql-graph-crud-auth"

    @property
    def log(self) -> str:
        path = self.folder / "virtuoso.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def isql(self, sql: str) -> str:
        """Run SQL as dba through `isql-vt`; the output, or a test failure with it."""
        return isql(self.sql_port, self.password, sql)


def isql(sql_port: int, password: str, sql: str) -> str:
    command = [ISQL, f"127.0.0.1:{sql_port}", "dba", password, f"EXEC={sql}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    output = done.stdout + done.stderr
    if done.returncode != 0 or "*** Error" in output:
        pytest.fail(f"isql-vt failed on {sql!r} (exit {done.returncode}):\n{output}")
    return output


def _programs() -> tuple[str, str]:
    found = []
    for program in (SERVER, ISQL):
        path = shutil.which(program)
        if path is None:
            pytest.fail(MISSING.format(program=program))
        found.append(path)
    return found[0], found[1]


@contextmanager
def running_virtuoso(
    folder: Path, max_query_seconds: int = 60, buffers: int = 4000
) -> Iterator[Virtuoso]:
    """Start a private Virtuoso with its database in `folder`; yields it, then stops it.

    `buffers`: its page buffers (8 KiB each): 4,000 for the tests' small builds; Debian's
    notes give 340,000 for 4 GiB of memory, what millions of triples need."""
    server, _ = _programs()
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        INI.format(
            root=folder,
            sql_port=sql_port,
            http_port=http_port,
            max_query_seconds=max_query_seconds,
            buffers=buffers,
            dirty_buffers=buffers * 3 // 4,
        ),
        encoding="utf-8",
    )
    base = f"http://127.0.0.1:{http_port}"
    output = folder / "virtuoso-t.out"
    started = time.monotonic()
    with output.open("wb") as out:
        # -f: stay in the foreground, so this process is the server and stopping it stops all.
        process = subprocess.Popen(
            [server, "-f", "-c", str(ini)], cwd=folder, stdout=out, stderr=subprocess.STDOUT
        )

    def logs() -> str:
        texts = [p.read_text(errors="replace") for p in (output, folder / "virtuoso.log")]
        return "\n".join(t for t in texts if t.strip())[-4000:]

    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"virtuoso-t exited with {process.returncode}:\n{logs()}")
            try:
                answer = requests.get(base + "/sparql", params={"query": "ASK {}"}, timeout=5)
                if answer.status_code == 200:
                    break
            except requests.RequestException:  # not listening yet
                pass
            if time.monotonic() - started > START_SECONDS:
                pytest.fail(f"virtuoso-t did not answer within {START_SECONDS} s:\n{logs()}")
            time.sleep(0.1)
        startup = time.monotonic() - started
        # A new database's dba password is "dba"; the tests' server gets one of its own.
        password = secrets.token_hex(12)
        isql(sql_port, "dba", f"USER_SET_PASSWORD ('dba', '{password}');")
        yield Virtuoso(base, sql_port, password, startup, folder)
    finally:
        process.terminate()  # Virtuoso shuts down cleanly on SIGTERM
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session", name="virtuoso")
def virtuoso_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """One private Virtuoso for the test session (see the module's description)."""
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server
