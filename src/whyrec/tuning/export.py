"""Write a trained LoRA adapter as a llama.cpp LoRA GGUF, which ``xllamacpp`` loads next to the
unchanged base model (``CommonParams.lora_adapters``).

An adapter rather than a merged model: the file is a few MB instead of a second 100 MB model, the
base keeps its Q4_1 weights (a merged model would have to be re-quantised, and gguf-py's Python
quantisers are slow and lossy a second time), and ``--no-adapter`` is a switch, not a download.

Layout (what llama.cpp's ``convert_lora_to_gguf.py`` writes): ``general.type = "adapter"``,
``adapter.type = "lora"``, ``adapter.lora.alpha``, and tensors named after the base tensors with
``.lora_a`` (rank x in) and ``.lora_b`` (out x rank). transformers undoes llama.cpp's row
permutation of the query and key weights when it loads a GGUF, so the ``lora_b`` of those two is
permuted back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

#: PEFT module name -> llama.cpp tensor name (``blk.{i}.`` prefix added)
GGUF_NAMES = {"q_proj": "attn_q", "k_proj": "attn_k", "v_proj": "attn_v", "o_proj": "attn_output",
              "gate_proj": "ffn_gate", "up_proj": "ffn_up", "down_proj": "ffn_down"}
PEFT_NAME_RE = re.compile(
    r"layers\.(\d+)\.(?:self_attn|mlp)\.(\w+)\.lora_([AB])(?:\.default)?\.weight$")


def gguf_tensors(state: Mapping[str, Any], *, n_head: int,
                 n_head_kv: int) -> dict[str, np.ndarray]:
    """LoRA tensors by llama.cpp name, float32, in llama.cpp's layout.

    Examples
    --------
    >>> import numpy as np
    >>> state = {"base_model.model.model.layers.0.self_attn.v_proj.lora_A.default.weight":
    ...          np.zeros((2, 4), np.float32)}
    >>> list(gguf_tensors(state, n_head=2, n_head_kv=1))
    ['blk.0.attn_v.weight.lora_a']
    """
    tensors = {}
    for name, value in state.items():
        match = PEFT_NAME_RE.search(name)
        if match is None or match.group(2) not in GGUF_NAMES:
            raise ValueError(f"not a LoRA weight of a llama block: {name}")
        layer, module, which = match.groups()
        array = np.ascontiguousarray(_numpy(value), dtype=np.float32)
        if which == "B" and module == "q_proj":
            array = permute_rows(array, n_head)
        elif which == "B" and module == "k_proj":
            array = permute_rows(array, n_head_kv)
        tensors[f"blk.{layer}.{GGUF_NAMES[module]}.weight.lora_{which.lower()}"] = array
    return tensors


def permute_rows(weights: np.ndarray, n_head: int) -> np.ndarray:
    """llama.cpp's rotary-embedding row order for query / key weights (its converter's
    ``permute``), the inverse of what transformers applies when it reads a GGUF."""
    rows = weights.shape[0]
    return np.ascontiguousarray(
        weights.reshape(n_head, 2, rows // n_head // 2, *weights.shape[1:])
        .swapaxes(1, 2).reshape(weights.shape))


def write_adapter(state: Mapping[str, Any], path: Path, *, alpha: float, n_head: int,
                  n_head_kv: int, name: str = "whyrec-explain", f16: bool = True) -> Path:
    """Write a llama.cpp LoRA adapter GGUF for a llama-architecture base model.

    Parameters
    ----------
    state : PEFT's trainable tensors (``lora_A`` / ``lora_B`` weights), numpy or torch.
    path : the ``.gguf`` file to write.
    alpha : LoRA alpha (llama.cpp scales by ``alpha / rank`` as PEFT does).
    n_head, n_head_kv : the base model's attention heads (for the query / key row order).
    f16 : store the tensors as float16 (half the size; the precision LoRA needs).
    """
    import gguf

    path.parent.mkdir(parents=True, exist_ok=True)
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_string("general.type", "adapter")
    writer.add_name(name)
    writer.add_string("adapter.type", "lora")
    writer.add_float32("adapter.lora.alpha", float(alpha))
    for tensor_name, array in sorted(gguf_tensors(state, n_head=n_head,
                                                  n_head_kv=n_head_kv).items()):
        writer.add_tensor(tensor_name, array.astype(np.float16) if f16 else array)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def _numpy(value: Any) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value
    return value.detach().cpu().float().numpy()  # a torch tensor
