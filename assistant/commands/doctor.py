"""`footstretch doctor`: check every part and say how to fix what is broken."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `doctor` sub-command."""
    parser = subparsers.add_parser("doctor", help="check audio, speech, voice, GPIO, config and the service")
    parser.add_argument("--config", metavar="FILE", help="the config file (default: the usual places)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per check")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the checks; exit 1 when any part is broken."""
    import json

    from assistant.doctor import Context, Status, format_table, run_checks
    from assistant.service import Places

    findings = run_checks(Context(args.config, places=Places.default()))
    if args.json:
        for finding in findings:
            print(json.dumps({"part": finding.part, "status": finding.status.value,
                              "detail": finding.detail, "fix": finding.fix}))
    else:
        print(format_table(findings))
    return 1 if any(f.status is Status.FAIL for f in findings) else 0
