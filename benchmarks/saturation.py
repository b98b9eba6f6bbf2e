"""The saturation point (issue 22): the students at which any step of the mix passes 100 ms.

Runs the mix of benchmarks/load.py (a fresh LMS per run, arrivals over --ramp s) at each
student count of --counts, in the order given, and prints every step's p95; any step
counts, "(one on_load)" (every page-load event) included. It stops at
the first count where a step's p95 passes --limit-ms; with --refine K it then runs up to K
more counts halfway between the last count that stayed under and the first that did not.
Prints: "saturation point: between A (every step <= 100 ms) and B (<step> <p95> ms)".

    python -m benchmarks.saturation --lms-dir /tmp/benchwt --counts 200,400,600 --refine 1

The mode is the caller's LMS_* environment, as for load.py: SQLite and one worker, or
LMS_DATABASE_URL=postgresql+psycopg://... LMS_REDIS_URL=redis://... GRANIAN_WORKERS=2.
Each run adds its students to the database. Figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import copy

from benchmarks.load import Stats, mix_arguments, run_lms_mix
from benchmarks.progress_bench import pct


def worst_step(stats: Stats) -> tuple[str, float]:
    """The step with the highest p95, and that p95 in ms."""
    p95 = {step: pct(values, 95) for step, values in stats.steps.items() if values}
    step = max(p95, key=lambda name: p95[name])
    return step, p95[step]


def run_at(args: argparse.Namespace, students: int) -> tuple[str, float, int]:
    """One mix at `students`: its worst step, that step's p95, and the errors."""
    print(f"\n=== {students} students", flush=True)
    one = copy.copy(args)
    one.students = students
    stats, _courses, _argon2 = run_lms_mix(one)
    step, p95 = worst_step(stats)
    return step, p95, sum(stats.errors.values())


def search(args: argparse.Namespace, counts: list[int]) -> list[tuple[int, str, float, int]]:
    """Run upwards until a step passes the limit, then halve the gap --refine times."""
    rows: list[tuple[int, str, float, int]] = []
    under, over = 0, 0
    for n in counts:
        rows.append((n, *run_at(args, n)))
        if rows[-1][2] > args.limit_ms or rows[-1][3]:
            over = n
            break
        under = n
    for _ in range(args.refine if over else 0):
        n = (under + over) // 2
        if n in (under, over):
            break
        rows.append((n, *run_at(args, n)))
        if rows[-1][2] > args.limit_ms or rows[-1][3]:
            over = n
        else:
            under = n
    return rows


def report(rows: list[tuple[int, str, float, int]], limit_ms: float) -> None:
    print(f"\nsaturation search (limit: any step's p95 over {limit_ms:g} ms, or any error)")
    print(f"  {'students':>8}  {'worst step':<14}{'p95 ms':>9}{'errors':>8}")
    for n, step, p95, errors in sorted(rows):
        print(f"  {n:>8}  {step:<14}{p95:>9.1f}{errors:>8}")
    under = [r for r in rows if r[2] <= limit_ms and not r[3]]
    over = [r for r in rows if r[2] > limit_ms or r[3]]
    low = max(under, default=None)
    high = min(over, default=None)
    if high is None:
        print(f"saturation point: above {low[0] if low else 0} (no count passed the limit)")
        return
    below = f"{low[0]} (every step <= {limit_ms:g} ms)" if low else "the lowest count tried"
    print(f"saturation point: between {below} and {high[0]} ({high[1]} {high[2]:.0f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mix_arguments(parser)
    parser.set_defaults(duration=150.0)
    parser.add_argument(
        "--counts", default="200,400,600,800,1000", help="student counts to try, in order"
    )
    parser.add_argument("--refine", type=int, default=1, help="halvings after the first fail")
    parser.add_argument("--limit-ms", type=float, default=100.0)
    args = parser.parse_args()
    counts = [int(x) for x in args.counts.split(",") if x.strip()]
    report(search(args, counts), args.limit_ms)


if __name__ == "__main__":
    main()
