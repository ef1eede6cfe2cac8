"""Java discovery for the local services."""

from __future__ import annotations

import pytest

from bcx.local.errors import MissingToolError
from bcx.local.java import find_java, java_major


class TestFindJava:
    def test_finds_a_runtime_for_kafka(self) -> None:
        """A Java 17+ runtime is found on this machine (Kafka 4.x needs it)."""
        java = find_java(17)
        major = java_major(java)
        assert major is not None
        assert major >= 17

    def test_impossible_version_is_a_clear_error(self) -> None:
        """Asking for a Java that does not exist names what was found and how to install one."""
        with pytest.raises(MissingToolError, match="no Java 999"):
            find_java(999)

    def test_non_java_binary_has_no_version(self) -> None:
        """A program that is not Java yields no version rather than an exception."""
        assert java_major("/bin/true") is None
