"""The local Dask cluster of `predict --engine dask` talks TLS with temporary credentials: another
local process cannot connect to its scheduler and run code in its workers (issue 23)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest.importorskip("distributed")
pytestmark = pytest.mark.e2e

#: What another local process would try: connect to the scheduler's port and run code.
INTRUDER = """
import sys
from distributed import Client
try:
    client = Client(sys.argv[1], timeout="5s")
    print("RAN", client.submit(sum, [1, 2]).result(timeout=10))
except Exception as exc:
    print("REFUSED", type(exc).__name__)
"""


def _intrude(address: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", INTRUDER, address], capture_output=True, text=True, timeout=120
    )
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr


def test_the_local_cluster_refuses_a_client_without_its_credentials() -> None:
    from stancekit.scoring.cluster import cluster_client

    with cluster_client() as client:
        address = client.scheduler.address
        assert client.submit(sum, [1, 2]).result() == 3  # the run's own client works
        port = address.rsplit(":", 1)[1]
        for attempt in (f"tcp://127.0.0.1:{port}", f"tls://127.0.0.1:{port}"):
            assert _intrude(attempt).startswith("REFUSED"), attempt
        assert address.startswith("tls://127.0.0.1:")
