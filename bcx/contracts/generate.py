"""Writes ``schemas/commerce.*.v1.avsc`` from the pydantic snapshot and schedule models (the one definition).

    python -m bcx.contracts.generate           # (re)write the files; ``make schemas`` runs this
    python -m bcx.contracts.generate --check   # exit 1 naming every file that differs (CI, tests)

Edit the models in ``bcx/contracts/commerce_*.py``, never the ``.avsc`` files; then run ``bcx schemas check``
against a registry: evolution must stay BACKWARD compatible (new fields need defaults).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bcx.avro.schemas import schemas_dir
from bcx.contracts import commerce_schedules, marketing_contacts, marketing_profiles
from bcx.contracts.avro_gen import SNAPSHOT_NAMESPACE, new_names, prose, record, schema_text, snapshot_schema
from bcx.contracts.commerce import SNAPSHOT_TOPICS
from bcx.contracts.commerce_returns import TOPIC as RETURNS_TOPIC
from bcx.contracts.commerce_returns import returns_schema


def generated() -> dict[str, str]:
    """File name → the text the models generate: every snapshot topic, returns, schedules and marketing."""
    files = {
        f"{spec.topic}.avsc": schema_text(snapshot_schema(spec.model, spec.topic, spec.entity_type))
        for spec in SNAPSHOT_TOPICS.values()
    }
    # not a snapshot of a BigCommerce entity: a returns service's record, with its own envelope
    files[f"{RETURNS_TOPIC}.avsc"] = schema_text(returns_schema())
    files[f"{commerce_schedules.TOPIC}.avsc"] = schema_text(schedules_schema())
    # the marketing flows' own topics (profiles, contact history, campaign requests)
    files[f"{marketing_profiles.TOPIC}.avsc"] = schema_text(marketing_profiles.profile_schema())
    for topic, schema in marketing_contacts.schemas().items():
        files[f"{topic}.avsc"] = schema_text(schema)
    return files


def schedules_schema() -> dict[str, object]:
    """``commerce.schedules.v1``: the request model, documented by its module (key, versions)."""
    doc = f"{prose(commerce_schedules.__doc__ or '')} Timestamps are UTC."
    model = commerce_schedules.ScheduleRequestRecord
    return dict(record(model, new_names(), namespace=SNAPSHOT_NAMESPACE, doc=doc))


def main(argv: list[str] | None = None, *, directory: Path | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bcx.contracts.generate", description=__doc__)
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when a file differs")
    args = parser.parse_args(argv)
    folder = directory or schemas_dir()
    stale = []
    for name, text in generated().items():
        path = folder / name
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(name)
        if not args.check:
            path.write_text(text, encoding="utf-8")
    verb = "differs from its models" if args.check else "written"
    for name in stale:
        print(f"{name}: {verb}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
