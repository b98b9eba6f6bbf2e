"""An idle worker does not load the libraries only some requests need (issue 22, memory).

fpdf2 with fontTools (certificates, receipts), PyAV (uploads, demo videos), segno (QR
codes) and stripe (a site with Stripe on) are together about 40 MiB of a worker's memory,
and most workers never use some of them. They are imported where they are first used;
this keeps a module-level import from bringing them back (benchmarks/README.md, "Issue 22
targets").
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ON_FIRST_USE = ("fpdf", "fontTools", "av", "segno", "stripe")


def test_the_app_loads_without_the_on_demand_libraries() -> None:
    probe = (
        "import json, sys\n"
        "import lms_reflex.lms_reflex\n"
        f"print(json.dumps([m for m in {ON_FIRST_USE!r} if m in sys.modules]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_the_on_demand_libraries_still_work_when_used() -> None:
    """The same functions, called, load what they need (their own tests check the output)."""
    from lms_reflex.services.payments.receipts import receipt_pdf

    pdf = receipt_pdf(reference="R-1", buyer="a@example.org", paid_at="today", lines=[], total="$0")
    assert pdf.startswith(b"%PDF") and "fpdf" in sys.modules
