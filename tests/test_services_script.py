"""scripts/ensure-services.sh, the set-up step of `make test`, without touching the real servers.

Where PostgreSQL or Redis is missing and nothing may be installed, the script stops at once with one line
naming what to install. It runs here with a PATH of shims (a temp dir with bash and the few tools each case
needs): `id` says root or not, `apt-get` is absent or a fake that records its calls, so no case can install
or start anything. The fast path (both servers answer: nothing done, nothing printed) runs against the real
servers only when they already answer.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "ensure-services.sh"
BASH = shutil.which("bash") or "/bin/bash"
# What the script may call on its way to a failure, besides the tools it checks for.
COREUTILS = ("id", "grep", "tail", "tr", "mktemp", "rm", "cat", "sleep")


def shim_dir(tmp_path: Path, *, uid: int | None = 0, apt_get: str | None = None, real: tuple = ()) -> Path:
    """A PATH directory: bash, coreutils, `id -u` printing `uid` (None: no id), optional fake apt-get."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", *COREUTILS, *real):
        if tool == "id" or (found := shutil.which(tool)) is None:
            continue
        (bin_dir / tool).symlink_to(found)
    if uid is not None:
        write_exe(bin_dir / "id", f'#!{BASH}\n[[ "$1" == -u ]] && echo {uid} || echo "uid={uid}"\n')
    if apt_get is not None:
        write_exe(bin_dir / "apt-get", f'#!{BASH}\necho "$*" >>"{tmp_path}/apt-calls"\n{apt_get}\n')
    return bin_dir


def write_exe(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def run(path: Path | str, tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], float]:
    environ = {"PATH": str(path), "HOME": str(tmp_path), "TMPDIR": str(tmp_path), "LANG": "C.UTF-8", **env}
    start = time.monotonic()
    done = subprocess.run(
        [BASH, str(SCRIPT)], env=environ, capture_output=True, text=True, timeout=20, cwd=ROOT
    )
    return done, time.monotonic() - start


def apt_calls(tmp_path: Path) -> list[str]:
    calls = tmp_path / "apt-calls"
    return calls.read_text().splitlines() if calls.exists() else []


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode != 0
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "command not found" not in done.stderr
    return lines[0]


def test_nothing_installed_and_no_apt_get_stops_at_once_with_one_line(tmp_path: Path) -> None:
    done, took = run(shim_dir(tmp_path), tmp_path)
    line = one_line(done)
    assert took < 5
    assert line.startswith("ensure-services: missing pg_isready, psql, pg_ctlcluster")
    assert "redis-server, redis-cli" in line
    assert "(no apt-get)" in line
    assert "install PostgreSQL (server and client tools) and Redis (redis-server, redis-cli)" in line


def test_not_root_names_the_apt_get_command_and_installs_nothing(tmp_path: Path) -> None:
    done, took = run(shim_dir(tmp_path, uid=1000, apt_get="exit 1"), tmp_path)
    line = one_line(done)
    assert took < 5
    assert "(not root)" in line
    assert "run 'sudo apt-get install -y postgresql redis-server', then make test again" in line
    assert apt_calls(tmp_path) == []


def test_no_id_counts_as_not_root(tmp_path: Path) -> None:
    done, _ = run(shim_dir(tmp_path, uid=None, apt_get="exit 1"), tmp_path)
    assert "(not root)" in one_line(done)
    assert apt_calls(tmp_path) == []


def test_no_install_variable_forbids_installing_even_as_root(tmp_path: Path) -> None:
    path = shim_dir(tmp_path, uid=0, apt_get="exit 1")
    done, took = run(path, tmp_path, CLAIMBOT_SERVICES_NO_INSTALL="1")
    line = one_line(done)
    assert took < 5
    assert "(CLAIMBOT_SERVICES_NO_INSTALL=1)" in line
    assert "sudo apt-get install -y postgresql redis-server" in line
    assert apt_calls(tmp_path) == []


OFFLINE_APT = """case "$1" in
  install) echo "E: Unable to locate package postgresql" >&2; exit 100 ;;
  update) echo "Err:1 http://deb.debian.org/debian bookworm InRelease"
          echo "W: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  \
Temporary failure resolving 'deb.debian.org'" >&2
          exit 0 ;;
esac
exit 1"""


def test_root_without_lists_or_network_updates_once_then_stops_naming_the_cause(tmp_path: Path) -> None:
    done, took = run(shim_dir(tmp_path, uid=0, apt_get=OFFLINE_APT), tmp_path)
    assert done.returncode == 1
    assert took < 5
    first, last = done.stderr.splitlines()  # what it does, then why it stopped
    assert "installing postgresql redis-server with apt-get" in first
    assert last.startswith(
        "ensure-services: apt-get could not install postgresql redis-server (Failed to fetch"
    )
    assert "Temporary failure resolving 'deb.debian.org'; E: Unable to locate package postgresql" in last
    calls = apt_calls(tmp_path)
    assert [c.split()[0] for c in calls] == ["install", "update", "install"]
    assert "-y -q --no-install-recommends" in calls[0]
    assert calls[0].endswith("postgresql redis-server")


def answers(cmd: list[str], want: bytes | None = None) -> bool:
    if shutil.which(cmd[0]) is None:
        return False
    try:
        done = subprocess.run(
            cmd, capture_output=True, timeout=5, env={**os.environ, "PGCONNECT_TIMEOUT": "3"}
        )
    except subprocess.TimeoutExpired:
        return False
    return done.returncode == 0 and (want is None or done.stdout.strip() == want)


def pg_answers() -> bool:
    """PostgreSQL answers user postgres without a password, and its client tools are installed."""
    psql = ["psql", "-h", "127.0.0.1", "-p", "5432", "-U", "postgres", "-w", "-XAtqc", "select 1"]
    return shutil.which("pg_isready") is not None and answers(psql)


def redis_answers() -> bool:
    return answers(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"], b"PONG")


def test_only_redis_missing_names_only_redis(tmp_path: Path) -> None:
    assert pg_answers(), "make test starts PostgreSQL (scripts/ensure-services.sh) before the suite"
    path = shim_dir(tmp_path, uid=0, apt_get="exit 1", real=("pg_isready", "psql", "pg_ctlcluster", "perl"))
    done, _ = run(path, tmp_path, CLAIMBOT_SERVICES_NO_INSTALL="1")
    line = one_line(done)
    assert line.startswith("ensure-services: missing redis-server, redis-cli and cannot install them here")
    assert "run 'sudo apt-get install -y redis-server'" in line
    assert apt_calls(tmp_path) == []


def test_fast_path_does_nothing_and_prints_nothing(tmp_path: Path) -> None:
    assert pg_answers() and redis_answers(), "make test starts both servers before the suite"
    done, took = run(os.environ["PATH"], tmp_path, CLAIMBOT_SERVICES_NO_INSTALL="1")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert took < 5


DEBIAN_HBA = """# Database administrative login by Unix domain socket
local   all             postgres                                peer

# TYPE  DATABASE        USER            ADDRESS                 METHOD
local   all             all                                     peer
host    all             all             127.0.0.1/32            scram-sha-256
host    all             all             ::1/128                 scram-sha-256
"""


def call(function: str, *args: str) -> str:
    """Source the script (its main does not run then) and call one of its functions."""
    done = subprocess.run(
        [BASH, "-c", f'source "{SCRIPT}"; {function} "$@"', "_", *args],
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_trust_lines_go_first_in_pg_hba_once(tmp_path: Path) -> None:
    hba = tmp_path / "pg_hba.conf"
    hba.write_text(DEBIAN_HBA)
    hba.chmod(0o640)
    assert call("trust_postgres_in_hba", str(hba)) == "changed\n"
    rules = [line.split() for line in hba.read_text().splitlines() if line and not line.startswith("#")]
    assert rules[:2] == [
        ["local", "all", "postgres", "trust"],
        ["host", "all", "postgres", "127.0.0.1/32", "trust"],
    ]
    assert hba.read_text().endswith(DEBIAN_HBA)
    assert stat.S_IMODE(hba.stat().st_mode) == 0o640
    before = hba.read_text()
    assert call("trust_postgres_in_hba", str(hba)) == ""
    assert hba.read_text() == before


def test_listen_settings_written_once(tmp_path: Path) -> None:
    confd = tmp_path / "conf.d"
    assert call("listen_for_tests", str(confd)) == "changed\n"
    text = (confd / "90-claimbot.conf").read_text()
    assert "listen_addresses = '127.0.0.1'\nport = 5432\n" in text
    assert call("listen_for_tests", str(confd)) == ""


def test_script_is_valid_bash_and_shellcheck_clean() -> None:
    subprocess.run([BASH, "-n", str(SCRIPT)], check=True, timeout=10)
    shellcheck = shutil.which("shellcheck")  # not a dependency: checked where a developer has it
    if shellcheck is not None:
        done = subprocess.run([shellcheck, str(SCRIPT)], capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stdout
