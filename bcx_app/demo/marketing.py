"""The demo's catalog run: once the webhook traffic is done, ``bcx campaigns run demo-catalog`` publishes
one request per repeat buyer, the catalogs flow prints them through Exstream batch jobs, and
``bcx campaigns manifest`` writes the mail-house manifest beside them."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable

from bcx.settings import KafkaSettings
from bcx_app.demo.plan import DemoPlan, _bcx
from bcx_app.demo.watch import group_lag
from consumers.catalogs.flow import FLOW as CATALOGS

CAMPAIGN = "demo-catalog"


def _bcx_run(plan: DemoPlan, *args: str) -> str:
    env = {
        "BCX_KAFKA__BOOTSTRAP_SERVERS": plan.bootstrap_servers,
        "BCX_REGISTRY__URL": plan.registry_url,
        "BCX_MARKETING__OUTPUT_DIR": str(plan.workdir / "campaigns"),
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(_bcx(*args), env=env, capture_output=True, text=True, timeout=180, check=False)
    if done.returncode != 0:
        return f"bcx {' '.join(args)} exited {done.returncode}: {done.stderr.strip()[-300:]}"
    return done.stdout.strip()


def catalog_run(
    plan: DemoPlan, kafka: KafkaSettings, say: Callable[[str], None], timeout_s: float = 120
) -> None:
    say(f"catalog run: bcx campaigns run {CAMPAIGN}…\n")
    say(f"  {_bcx_run(plan, 'campaigns', 'run', CAMPAIGN)}\n")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        time.sleep(2.0)
        if sum(group_lag(kafka, CATALOGS.group, t) for t in CATALOGS.input_topics) == 0:
            break
    say(f"  {_bcx_run(plan, 'campaigns', 'manifest', CAMPAIGN)}\n")
