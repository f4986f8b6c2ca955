"""The bundled model's speed by llama.cpp thread count, alone on the cores and beside other
work: does an engine that uses every core keep its speed when something else needs one?

Two engines are loaded in one process (the prepared bundled model, prompt lookup on): one with
1 thread and one with a thread per core. In rounds, each answers the same requests (demo shop
prompts, English and Chinese, as the explainer builds them; greedy, up to 60 tokens) with
``--busy`` other processes spinning on the CPU (0 and 1 by default), the order rotating so the
machine's drift falls on all alike. Reported per engine and load: medians of llama.cpp's own
prompt and generation speeds (tokens/s) and of the request's time (ms), and each engine's
median over the 1-thread engine's under the same load.

    .venv/bin/python benchmarks/bench_engine_threads.py [--rounds 3] [--out FILE]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import finish, log

#: a process that keeps one core busy (what a second request, a verifier or a web server is)
SPIN = "while True: pass"


def requests(per_language: int) -> list[dict[str, Any]]:
    """First-call chat requests as the explainer builds them for demo recommendations."""
    from whyrec.backends.llamacpp import LlamaCppBackend
    from whyrec.data.load import load_dataset
    from whyrec.explanation.explainer import Explainer
    from whyrec.models.registry import create
    from whyrec.pipeline import Pipeline
    from whyrec.settings import ExplainSettings

    dataset = load_dataset("demo")
    pipeline = Pipeline(dataset, create("itemknn").fit(dataset),
                        ExplainSettings(backend="template"))
    explainer = Explainer(LlamaCppBackend(), dataset=dataset)
    out = []
    users = [str(u) for u in dataset.user_ids.tolist()]
    for language in ("en", "zh"):
        for user in users[:per_language]:
            rec = pipeline.recommend(user, n=1)[0]
            prompt, _, start = explainer.prompt_for(rec, language=language)
            out.append({"messages": [*prompt.messages, {"role": "assistant", "content": start}],
                        "max_tokens": 60, "temperature": 0.0, "seed": 1,
                        "cache_prompt": False, "stop": ["\n"]})
    return out


def measure(server: Any, batch: list[dict[str, Any]], busy: int) -> list[dict[str, float]]:
    spinners = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(busy)]
    try:
        time.sleep(0.3)  # the spinners are running before the first request
        rows = []
        for request in batch:
            started = time.perf_counter()
            timings = server.handle_chat_completions(request)["timings"]
            rows.append({"prompt_per_s": timings["prompt_per_second"],
                         "generated_per_s": timings["predicted_per_second"],
                         "request_ms": (time.perf_counter() - started) * 1000.0})
        return rows
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def _counts(text: str) -> list[int]:
    """``--busy``: counts of busy processes, "0,1"."""
    try:
        counts = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of counts: {text!r} (e.g. 0,1)") from None
    if not counts or min(counts) < 0:
        raise argparse.ArgumentTypeError(f"counts must be 0 or more: {text!r}")
    return counts


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--per-language", type=int, default=4, help="requests per language")
    parser.add_argument("--busy", type=_counts, default=[0, 1],
                        help="competing busy processes, comma-separated (default 0,1)")
    parser.add_argument("--out", type=Path, default=None)
    options = parser.parse_args(argv)
    from whyrec.backends.llamacpp import LlamaCppBackend

    cores = len(os.sched_getaffinity(0))
    engines = {f"threads_{n}": LlamaCppBackend(threads=n)._server
               for n in dict.fromkeys((1, cores))}
    batch = requests(options.per_language)
    loads: list[int] = options.busy
    rows: dict[tuple[str, int], list[dict[str, float]]] = {}
    for round_ in range(options.rounds):
        for busy in loads:
            names = list(engines)
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                rows.setdefault((name, busy), []).extend(measure(engines[name], batch, busy))
        log(f"round {round_ + 1}/{options.rounds} done")
    result: dict[str, Any] = {"benchmark": "engine_threads", "cores": cores,
                              "requests_per_engine_and_load": options.rounds * len(batch),
                              "model": "bundled SmolLM2-135M, prepared (adapter merged, Q8_0), "
                                       "prompt lookup on", "by_load": {}}
    for busy in loads:
        entry: dict[str, Any] = {}
        for name in engines:
            got = rows[(name, busy)]
            entry[name] = {k: round(statistics.median(r[k] for r in got), 1)
                           for k in ("prompt_per_s", "generated_per_s", "request_ms")}
        one = dict(entry["threads_1"])
        for name in engines:
            entry[name]["over_threads_1"] = {
                k: round(entry[name][k] / one[k], 3) for k in one if one[k]}
        result["by_load"][f"busy_{busy}"] = entry
    return finish(result, [], False, started, out=options.out)


if __name__ == "__main__":
    sys.exit(main())
