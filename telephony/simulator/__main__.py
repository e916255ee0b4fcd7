"""`python -m telephony.simulator --nodes call-1:18088,call-2:18089`"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from pathlib import Path

from telephony.simulator.nodes import NodeSpec, run_simulator


def main() -> None:
    parser = argparse.ArgumentParser(description="ARI-compatible Asterisk simulator")
    parser.add_argument("--nodes", default="call-1:18088,call-2:18089")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--recordings-dir", type=Path, default=None)
    parser.add_argument("--username", default="voipbin")
    parser.add_argument("--password", default="voipbin")
    parser.add_argument("--time-scale", type=float, default=1.0)
    parser.add_argument("--answer-delay", type=float, default=1.0)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            run_simulator(
                NodeSpec.parse(args.nodes, args.host),
                recordings_dir=args.recordings_dir,
                username=args.username,
                password=args.password,
                time_scale=args.time_scale,
                unscripted_answer_delay=args.answer_delay,
            )
        )


if __name__ == "__main__":
    main()
