"""``bcx flows``: every declared flow (and the enricher) with its consumer group, input topics, webhook
scopes and the document types its routing rules can produce; planned flows are marked. Reads the
declarations (``consumers/*/flow.py``, ``consumers/planned.py``) and the rule file; connects to nothing.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "flows", help="list the flows: group, topics, webhook scopes, documents", description=__doc__
    )
    parser.add_argument("--rules", type=Path, default=None, help="rule file (default: the shipped rules)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(handler=_flows)


def describe(rules_path: Path | None = None) -> list[dict[str, Any]]:
    """One entry per declared process: the enricher, built flows, then planned flows."""
    from bcx.manifest import Flow
    from bcx_app.cli.processes import deployed, flows
    from consumers.registry import use_case_names
    from routing import load_rules

    ruleset = load_rules(rules_path, use_cases=use_case_names())
    entries: list[dict[str, Any]] = []
    for process in (*deployed(), *(f for f in flows() if not f.built)):
        flow = process if isinstance(process, Flow) else None
        documents = sorted(n for n, d in ruleset.documents.items() if flow and d.use_case == flow.use_case)
        entries.append(
            {
                "name": process.name,
                "kind": "flow" if flow else "process",
                "status": "planned" if flow and not flow.built else "built",
                "command": "bcx " + " ".join(process.argv) if not flow or flow.built else None,
                "group": process.group,
                "input_topics": list(process.input_topics),
                "scopes": list(flow.scopes) if flow else [],
                "documents": documents,
                "summary": process.summary,
            }
        )
    return entries


def _flows(args: argparse.Namespace) -> int:
    entries = describe(args.rules)
    if args.json:
        print(json.dumps(entries, indent=2))
        return 0
    blocks = []
    for e in entries:
        lines = [f"{e['name']}  ({e['kind']}, {e['status']})  {e['summary']}"]
        lines.append(f"  group     {e['group']}" + (f"   command: {e['command']}" if e["command"] else ""))
        lines.append(f"  topics    {', '.join(e['input_topics'])}")
        if e["kind"] == "flow":
            lines.append(f"  scopes    {', '.join(e['scopes']) or '-'}")
            lines.append(f"  documents {', '.join(e['documents']) or '-'}")
        blocks.append("\n".join(lines))
    print("\n\n".join(blocks))
    return 0
