"""Measure ca-profiles against its budgets; exit 1 when one is missed.

The budgets are set in docs/architecture.md, "Budgets and the benchmark".

Run on demand from a checkout with the tool installed (it is not part of the tests):

    .venv/bin/python benchmarks/bench.py [--runs N]

Start-up budgets are ratios to a bare ``python -c "import …"`` timed in the same run, so a
slow or busy machine moves both sides alike. Every command runs ``--runs`` times, interleaved
with the others so that a burst of load hits all of them, and the fastest run of each counts
(the one least disturbed by the rest of the machine); the median is shown beside it.

A data folder of 1,000 profiles is generated in a temporary folder (copies of the bundled
Kazakhstan under new ids, names and ISO codes), and the cache goes to a temporary folder too.
The first run of each command, shown apart, is the one a user has after installing or after
editing data: it fills the cache and is not counted.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

GENERATED = 1000
#: Start-up budgets are this many times the run they are measured against.
START_UP = 1.3
#: rank and compare --all over the generated profiles, in seconds.
WHOLE_FOLDER = 1.0


@dataclass
class Measure:
    what: str
    command: list[str]
    env: dict[str, str]
    #: The budget: a ratio to ``against`` or, without it, seconds; 0 for a reference run.
    limit: float = 0
    against: Measure | None = None
    first: float = 0
    times: list[float] = field(default_factory=list)

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def measured(self) -> float:
        return self.best / self.against.best if self.against else self.best

    @property
    def ok(self) -> bool:
        return not self.limit or self.measured <= self.limit

    def run(self) -> float:
        start = time.perf_counter()
        done = subprocess.run(self.command, env=self.env, capture_output=True)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"failed ({done.returncode}): {' '.join(self.command)}\n{done.stderr.decode()}")
        return elapsed

    def line(self) -> str:
        text = f"{self.what:46} {self.first:6.3f}s {statistics.median(self.times):6.3f}s {self.best:6.3f}s"
        if self.limit:
            unit = "×" if self.against else "s"
            verdict = "ok" if self.ok else "MISSED"
            text += f" {self.measured:8.2f}{unit} ≤{self.limit:4.1f}{unit}  {verdict}"
        return text


def tool() -> list[str]:
    """The installed console script beside this Python, as a user runs it."""
    script = Path(sys.executable).with_name("ca-profiles")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ca_profiles"]


def generate(folder: Path, count: int) -> None:
    """``count`` profiles: the bundled Kazakhstan under new ids, names and ISO codes."""
    from ca_profiles.loader import bundled_root

    text = (bundled_root() / "countries" / "kazakhstan.yaml").read_text(encoding="utf-8")
    aliases = re.compile(r"^aliases:\n(?:  - .*\n)+", re.M)
    countries = folder / "countries"
    countries.mkdir(parents=True)
    for i in range(count):
        identity = {
            "id": f"synthetia-{i:04d}",
            "name": f"Synthetia {i}",
            "official_name": f"Republic of Synthetia {i}",
            "iso2": f"Y{i:03d}",
            "iso3": f"YY{i:03d}",
        }
        profile = aliases.sub(f"aliases: [Synthetic Republic {i}]\n", text)
        for key, value in identity.items():
            profile = re.sub(rf"^{key}: .*$", f"{key}: {value}", profile, count=1, flags=re.M)
        (countries / f"{identity['id']}.yaml").write_text(profile, encoding="utf-8")


def measures(big: Path, cache: Path) -> list[Measure]:
    env = {**os.environ, "CA_PROFILES_CACHE": str(cache), "COLUMNS": "100"}
    # An installed copy has its bytecode compiled; let the first runs write it here too.
    for name in ("CA_PROFILES_DATA", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    completing = {**env, "_CA_PROFILES_COMPLETE": "complete_bash", "COMP_WORDS": "ca-profiles show ka"}
    completing["COMP_CWORD"] = "2"
    py, ca, many = [sys.executable, "-c"], tool(), ["--data-dir", str(big)]

    base = Measure("python -c 'import typer, yaml, msgspec'", [*py, "import typer, yaml, msgspec"], env)
    rich = Measure(
        "  … and rich.table, rich.console",
        [*py, "import typer, yaml, msgspec, rich.table, rich.console"],
        env,
    )
    alias = Measure("show Qazaqstan --format json", [*ca, "show", "Qazaqstan", "--format", "json"], env)
    return [
        base,
        rich,
        Measure(
            "show kazakhstan --format json",
            [*ca, "show", "kazakhstan", "--format", "json"],
            env,
            START_UP,
            base,
        ),
        Measure("show kazakhstan (table)", [*ca, "show", "kazakhstan"], env, START_UP, rich),
        alias,
        Measure("  … with 1,000 more profiles", [*alias.command, *many], env, START_UP, alias),
        Measure("completion of 'show ka'", ca, completing, START_UP, base),
        Measure(
            "  … with 1,000 more profiles", ca, {**completing, "CA_PROFILES_DATA": str(big)}, START_UP, base
        ),
        Measure(
            "rank energy.gas_reserves, 1,000 profiles",
            [*ca, "rank", "energy.gas_reserves", *many],
            env,
            WHOLE_FOLDER,
        ),
        # Machine formats only: a table of a thousand columns fits no terminal.
        Measure(
            "compare --all --format json, 1,000 profiles",
            [*ca, "compare", "--all", "--format", "json", *many],
            env,
            WHOLE_FOLDER,
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs of each command (default 9)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ca-profiles-bench-") as tmp:
        big = Path(tmp) / "data"
        generate(big, GENERATED)
        table = measures(big, Path(tmp) / "cache")
        for measure in table:
            measure.first = measure.run()
        for _ in range(args.runs):
            for measure in table:
                measure.times.append(measure.run())

    print(f"{args.runs} runs each, the fastest counted; the first run (cache empty) apart\n")
    print(f"{'measurement':46} {'first':>7} {'median':>7} {'fastest':>7} {'measured':>9} {'budget':>7}")
    for measure in table:
        print(measure.line())
    missed = [measure.what.strip(" …") for measure in table if not measure.ok]
    if missed:
        print(f"\nbudget missed: {'; '.join(missed)}", file=sys.stderr)
        return 1
    print("\nevery budget met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
