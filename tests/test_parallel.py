"""A big bank is parsed and rendered by every core; the result must be the one a single core gives."""
import os
import threading

import pytest

from loopkit import parallel
from loopkit.load import load_bank


def test_shared_work_keeps_order_and_results():
    items = list(range(2_500))
    assert parallel.split_map(lambda share: [item * 2 for item in share], items) == [item * 2 for item in items]
    workers = parallel.split_map(lambda share: [os.getpid()] * len(share), items)
    assert len(set(workers)) == parallel.cores()  # one share per core, this process taking the first
    assert workers[0] == os.getpid()


def test_small_loops_and_threaded_processes_stay_in_this_process():
    assert set(parallel.split_map(lambda share: [os.getpid()] * len(share), list(range(10)))) == {os.getpid()}
    waiting = threading.Event()
    watcher = threading.Thread(target=waiting.wait)
    watcher.start()
    try:
        pids = parallel.split_map(lambda share: [os.getpid()] * len(share), list(range(2_500)))
    finally:
        waiting.set()
        watcher.join()
    assert set(pids) == {os.getpid()}


@pytest.fixture
def big_bank(tmp_path):
    """1,200 small question files, three of them broken in different ways."""
    questions = tmp_path / "bank" / "questions" / "rag"
    questions.mkdir(parents=True)
    for number in range(1_200):
        (questions / f"q-{number:04d}.yaml").write_text(f"id: q-{number:04d}\ntitle: Question {number}\n")
    (questions / "q-0100.yaml").write_text("id: q-0100\ntitle: [unclosed\n")
    (questions / "q-0700.yaml").write_text("id: q-0700\nid: again\n")
    (questions / "q-1150.yaml").write_bytes(b"id: q-1150\ntitle: \xff\n")
    return tmp_path / "bank"


def test_a_shared_load_finds_what_a_serial_load_finds(big_bank, monkeypatch):
    shared = load_bank(big_bank, base=big_bank.parent)
    monkeypatch.setattr(parallel, "MINIMUM", 10**9)
    serial = load_bank(big_bank, base=big_bank.parent)
    assert [d.data for d in shared.documents] == [d.data for d in serial.documents]
    assert len(shared.documents) == 1_198  # the unclosed list and the non-UTF-8 file give no document
    assert shared.problems == serial.problems
    assert sorted(p.code for p in shared.problems) == ["LK001", "LK008", "LK014"]
