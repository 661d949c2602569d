"""Reaching a Dask cluster: the optional extra's check, a client on an address or on a
``LocalCluster`` sized to this machine, and the dashboard link. Dask is imported inside the
functions that need it."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from stancekit.errors import InputError, StancekitError

INSTALL_HINT = "pip install 'stancekit[dask]'"
CONNECT_TIMEOUT = "5s"


class DaskMissingError(StancekitError):
    """The optional Dask extra is not installed."""


def require_dask() -> None:
    """Import dask.dataframe and distributed, or say how to install them.

    Raises
    ------
    DaskMissingError
        Naming ``pip install 'stancekit[dask]'``.
    """
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as exc:
        raise DaskMissingError(
            f"the dask engine needs Dask ({exc.name} is not installed): {INSTALL_HINT}."
        ) from None


@contextlib.contextmanager
def cluster_client(scheduler: Any = None) -> Iterator[Any]:
    """A ``distributed.Client``: ``scheduler`` itself if it is one; connected to the address
    ``scheduler`` (``tcp://host:8786``, :data:`CONNECT_TIMEOUT`); or, for ``None``, on a
    ``LocalCluster`` sized to this machine (one single-threaded worker process per core, bound
    to 127.0.0.1, dashboard on 127.0.0.1 when bokeh is installed), closed afterwards.

    The local cluster talks TLS with temporary credentials (Dask's ``Security.temporary()``: a
    key and certificate made for this run, held in memory only): scheduler, workers and client
    each must show the certificate, so another local process cannot connect to the scheduler
    and run code in the workers. An address in ``scheduler`` is a cluster the user runs: the
    client uses the security of Dask's configuration (``distributed.comm.tls.*``, e.g.
    ``DASK_DISTRIBUTED__COMM__TLS__CA_FILE``), so such a cluster should be started with TLS
    and certificates (``dask scheduler --tls-ca-file ... --tls-cert ... --tls-key ...``) and
    its address given as ``tls://host:8786``.

    Raises
    ------
    InputError
        The scheduler cannot be reached.
    """
    require_dask()
    from distributed import Client, LocalCluster

    if scheduler is not None and not isinstance(scheduler, str):
        yield scheduler
        return
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError(
                f"cannot reach the Dask scheduler at {scheduler} ({reason[:120]}); check the "
                "address and that `dask scheduler` runs there, or leave out --scheduler."
            ) from None
        with client:
            yield client
        return
    import logging

    from distributed.security import Security

    try:
        security = Security.temporary()
    except ImportError:
        raise DaskMissingError(
            "the dask engine's local cluster needs cryptography for its TLS: pip install "
            "cryptography (or reinstall 'stancekit[dask]')."
        ) from None
    from distributed.deploy.spec import SpecCluster

    before = set(SpecCluster._instances)
    try:
        cluster = LocalCluster(
            security=security,  # TLS, credentials known to this process only
            n_workers=os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",  # a free port; the dashboard pages need bokeh
            silence_logs=logging.CRITICAL,  # a failed task is reported once, by the client
        )
    except BaseException:  # Ctrl-C or SIGTERM while the workers start
        _close_half_started(set(SpecCluster._instances) - before)
        raise
    with cluster, Client(cluster) as client:
        yield client


def dashboard_link(client: Any) -> str | None:
    """The client's dashboard address, or ``None`` when the scheduler has none."""
    import importlib.util

    if importlib.util.find_spec("bokeh") is None:  # without it the scheduler serves no pages
        return None
    try:
        return client.dashboard_link
    except Exception:
        return None


def _close_half_started(clusters: set[Any]) -> None:
    """Close clusters whose start was interrupted, quietly, and take them off Dask's list of
    clusters to close at exit (which would fail on their half-started workers with a traceback);
    their worker processes are daemons, ended with this process."""

    for cluster in clusters:
        with contextlib.suppress(Exception):
            cluster.close(timeout=10)
        cluster.shutdown_on_close = False
