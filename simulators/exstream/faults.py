"""Fault and latency decisions for one request, from a seeded random source (pure: no sleeping, no I/O)."""

from __future__ import annotations

import enum
import math
import random
from dataclasses import dataclass

from simulators.exstream.config import FaultConfig, LatencyConfig


class Fault(enum.Enum):
    NONE = "none"
    RATE_LIMIT = "rate_limit"
    SERVER_ERROR = "server_error"
    HANG = "hang"
    MALFORMED = "malformed"


@dataclass(frozen=True)
class Decision:
    latency_s: float
    fault: Fault


def latency_s(config: LatencyConfig, rng: random.Random) -> float:
    if config.kind == "fixed":
        return config.ms / 1000
    if config.kind == "uniform":
        low, high = sorted((config.min_ms, config.max_ms))
        return rng.uniform(low, high) / 1000
    if config.kind == "lognormal":
        if config.median_ms <= 0:
            return 0.0
        return rng.lognormvariate(math.log(config.median_ms), config.sigma) / 1000
    return 0.0


def decide(config: FaultConfig, rng: random.Random) -> Decision:
    """Latency and at most one fault; rates are checked in a fixed order so a seed replays exactly."""
    delay = latency_s(config.latency, rng)
    roll = rng.random()
    for fault, rate in (
        (Fault.RATE_LIMIT, config.rate_limit_rate),
        (Fault.SERVER_ERROR, config.error_rate),
        (Fault.HANG, config.hang_rate),
        (Fault.MALFORMED, config.malformed_rate),
    ):
        if roll < rate:
            return Decision(delay, fault)
        roll -= rate
    return Decision(delay, Fault.NONE)
