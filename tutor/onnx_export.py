"""MiniLM exported to ONNX from the packaged weights, once, cached by the weights' sha256.

The export runs at first start (or at image build: `python -m tutor.onnx_export DIR`) and needs
torch and the `onnx` package; serving from the file needs neither. Nothing is downloaded.
The graph takes input_ids, attention_mask and token_type_ids (dynamic batch and sequence axes,
opset 17) and returns the mean-pooled, L2-normalised sentence vector, as sentence-transformers'
Transformer -> Pooling(mean) -> Normalize modules do.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sys
import warnings
from pathlib import Path

from tutor.embeddings import MODEL_NAME, model_path, weights_sha256

log = logging.getLogger(__name__)

# Bump when the exported graph changes: old files are then left alone and a new one is made.
EXPORT_VERSION = 1
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def onnx_file(cache_dir: Path, sha256: str, quantize: str = "none") -> Path:
    suffix = "" if quantize == "none" else f"-{quantize}"
    return cache_dir / f"{MODEL_NAME}-{sha256[:16]}-v{EXPORT_VERSION}{suffix}.onnx"


def ensure_onnx(cache_dir: Path, weights: Path | None = None, *, quantize: str = "none") -> Path:
    """The exported model for these weights, exporting it first if no file is cached yet.
    Concurrent starts (several workers) take a file lock: one exports, the rest reuse it."""
    weights = weights or model_path()
    sha256 = weights_sha256(weights)
    target = onnx_file(cache_dir, sha256, quantize)
    if target.exists():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir / ".export.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        fp32 = onnx_file(cache_dir, sha256)
        if not fp32.exists():
            log.info("exporting %s to ONNX at %s (once per weights)", MODEL_NAME, fp32)
            _atomic(fp32, lambda partial: export(weights, partial))
        if not target.exists():
            _atomic(target, lambda partial: _quantize_int8(fp32, partial))
    return target


def _atomic(target: Path, write) -> None:
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    write(partial)
    os.replace(partial, target)  # readers see a whole file or none


def _quantize_int8(fp32: Path, out: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # MatMul weights only, one scale per output channel: cosine to fp32 about 0.995 (per-tensor
    # over every op gave 0.95).
    quantize_dynamic(
        str(fp32),
        str(out),
        weight_type=QuantType.QInt8,
        per_channel=True,
        op_types_to_quantize=["MatMul"],
    )


def export(weights: Path, out: Path) -> None:
    import torch
    from transformers import AutoModel

    # Eager attention traces to plain MatMul/Softmax that ONNX Runtime fuses; SDPA's tracing
    # bakes in Python branches on the sequence length.
    bert = AutoModel.from_pretrained(str(weights), attn_implementation="eager").eval()
    sample = torch.ones((2, 8), dtype=torch.long)
    axes = {name: {0: "batch", 1: "sequence"} for name in INPUTS}
    with torch.no_grad(), warnings.catch_warnings():
        # The tracer warns about Python branches on shapes; none of them changes with the input
        # here (no causal mask, no cache), and tests compare the result with torch's vectors.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _mean_pooled(bert),
            (sample, sample, torch.zeros_like(sample)),
            str(out),
            input_names=list(INPUTS),
            output_names=["embedding"],
            dynamic_axes={**axes, "embedding": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )


def _mean_pooled(bert):  # a torch.nn.Module; torch is imported late
    import torch

    class MeanPooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    return MeanPooled()


if __name__ == "__main__":  # python -m tutor.onnx_export DIR [none int8]  (image build: ahead)
    logging.basicConfig(level=logging.INFO)
    for quantize in sys.argv[2:] or ["none"]:
        print(ensure_onnx(Path(sys.argv[1]), quantize=quantize))
