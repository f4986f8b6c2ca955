"""Memory stays flat as the number of users grows: shards stream through, nothing piles up."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

import pytest

from whyrec.batch.config import BatchConfig, EngineOptions, worker_spec
from whyrec.batch.local import run_local
from whyrec.batch.output import OutputFolder
from whyrec.batch.shards import plan_shards
from whyrec.batch.worker import ShardRunner
from whyrec.data.load import load_dataset
from whyrec.models.base import Recommender
from whyrec.privacy.pii import load_scrubber

pytestmark = pytest.mark.slow


def test_working_memory_does_not_grow_with_users(shop: Path, shop_model: Path,
                                                  tmp_path: Path) -> None:
    dataset = load_dataset(shop)
    model = Recommender.load(shop_model)
    config = BatchConfig(data=str(shop), out=str(tmp_path), backend="template", n=5)
    spec = worker_spec(config, EngineOptions(workers=1))
    users = [str(u) for u in dataset.user_ids.tolist()]
    shards = plan_shards(users, 40)
    # what earlier tests left on the heap must not change when the cyclic collector runs: the
    # young garbage of a run is then collected as in a process of its own
    gc.collect()
    gc.freeze()
    tracemalloc.start()
    try:
        ShardRunner(dataset, model, spec).run(shards[0])  # build every lazy index once
        load_scrubber()  # and Presidio's recognisers, which a later shard's text may first need
        # the bounded memos (catalog strings, sentences, fact lines: 1,024 entries each) filled
        # by a run as large as the larger one measured, so that what is measured is what grows
        # with the users; a memo filling up to its bound is not that
        warm = OutputFolder(tmp_path / "warm", {"users": 24}, n_shards=24, n_users=40 * 24)
        run_local(shards[1:25], dataset=dataset, model=model, data=str(shop),
                  model_dir=shop_model, spec=spec, workers=1, on_result=warm.save_result)
        peaks = []
        for count in (3, 24):  # 120 users, then 960 users: 8 times as many
            folder = OutputFolder(tmp_path / f"out-{count}", {"users": count},
                                  n_shards=count, n_users=40 * count)
            baseline = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            run_local(shards[1 : 1 + count], dataset=dataset, model=model, data=str(shop),
                      model_dir=shop_model, spec=spec, workers=1,
                      on_result=folder.save_result)
            peaks.append(tracemalloc.get_traced_memory()[1] - baseline)
            assert len(folder.finished()) == count
    finally:
        tracemalloc.stop()
        gc.unfreeze()
    small, large = peaks
    # rows held in memory would grow eight-fold; streamed shards cost the same each time
    assert large < 1.5 * small, f"working memory grew from {small} to {large} bytes"
