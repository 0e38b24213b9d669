"""--engine dask on a local cluster started for the run and on a real cluster (a scheduler and two worker
processes on 127.0.0.1): the same output as a single process, and a worker killed mid-run loses no record and writes none twice."""
import json
import os
import signal
import threading
import time

import pytest

from kcx_nlp.__main__ import main

distributed = pytest.importorskip("distributed")


@pytest.fixture
def parts(tmp_path):
    files = []
    for p in range(6):
        path = tmp_path / f"part-{p}.jsonl"
        path.write_text("".join(json.dumps({"id": f"p{p}-{i}", "text": f"Seoul Mayor Oh met Beijing Mayor Yin {i}."})
                                + "\n" for i in range(5)), encoding="utf-8")
        files.append(path)
    (tmp_path / "part-2.jsonl").open("a").write("{broken\n")
    return files


@pytest.fixture
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as c:
        yield c


def _extract(model, parts, out, *extra):
    return main(["extract", *map(str, parts), "--model", str(model), "--gpu", "-1", "--quiet", "--skip-errors",
                 "-o", str(out), *extra])


def test_local_cluster_run_matches_single_process(tiny_model, parts, tmp_path):
    model, _ = tiny_model
    single, dist = tmp_path / "single.jsonl", tmp_path / "dist.jsonl"
    assert _extract(model, parts, single) == 0
    assert _extract(model, parts, dist, "--engine", "dask", "--workers", "2") == 0
    assert dist.read_bytes() == single.read_bytes()
    assert len(single.read_text().splitlines()) == 31


def test_cluster_run_matches_single_process(tiny_model, parts, cluster, tmp_path):
    model, _ = tiny_model
    single, dist = tmp_path / "single.jsonl", tmp_path / "dist.jsonl"
    assert _extract(model, parts, single) == 0
    assert _extract(model, parts, dist, "--engine", "dask", "--scheduler", cluster.scheduler_address) == 0
    assert dist.read_bytes() == single.read_bytes()
    assert len(single.read_text().splitlines()) == 31


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(tiny_model, parts, cluster, tmp_path):
    model, _ = tiny_model
    single, dist = tmp_path / "single.jsonl", tmp_path / "dist.jsonl"
    assert _extract(model, parts, single) == 0
    with distributed.Client(cluster) as client:
        pids = client.run(os.getpid)
        result = {}
        run = threading.Thread(target=lambda: result.setdefault("code", _extract(
            model, parts, dist, "--engine", "dask", "--scheduler", cluster.scheduler_address)))
        run.start()
        deadline = time.time() + 120
        busy = {}
        while time.time() < deadline and not busy:
            busy = {w: tasks for w, tasks in client.processing().items() if tasks}
            time.sleep(0.05)
        assert busy, "no task started"
        os.kill(pids[next(iter(busy))], signal.SIGKILL)  # the worker dies with a task in hand
        run.join(300)
        assert pids[next(iter(busy))] not in client.run(os.getpid).values()  # the worker was replaced
    assert result.get("code") == 0
    assert dist.read_bytes() == single.read_bytes()
