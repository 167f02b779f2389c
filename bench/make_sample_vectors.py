"""Write the sample organisation's shipped vectors: every passage the retrieval index of the
sample organisation holds, encoded in fp32 by the ONNX export (its vectors equal
sentence-transformers' to cosine 0.9999999 here, ≥ 0.999 asserted by tests; `--backend
torch-fp32` uses sentence-transformers itself), into embeddings/sample_vectors/<identity>.npz.
Run after the sample data, the passage splitting or the model changes (`teamgraph demo` then
encodes only the passages that no longer match):

    python bench/make_sample_vectors.py [--model NAME] [--backend onnx-fp32]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


class Recorder:
    """Collects the texts an index build encodes (vectors from the hashing stand-in: only the
    texts matter here)."""

    def __init__(self, dim: int):
        from teamgraph.embeddings.encoder import HashingEncoder
        self.inner = HashingEncoder(dim)
        self.name = "recorder"
        self.texts: list[str] = []

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts, batch_size: int = 64, progress: bool = False):
        self.texts += list(texts)
        return self.inner.encode(texts)

    def encode_queries(self, texts, batch_size: int = 64):
        return self.inner.encode(texts)


def sample_passages(model: str, dim: int) -> list[str]:
    """Every distinct passage the sample organisation's retrieval index encodes, in order."""
    from teamgraph.ingest.sample import sample_path
    from teamgraph.service import Teamgraph
    from teamgraph.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        rec = Recorder(dim)
        engine = Teamgraph(Settings(data_dir=Path(tmp), model=model), encoder=rec, progress=False,
                           build_index=True)
        engine.ingest(sample_path())
        engine.index_build()
        engine.close()
    return list(dict.fromkeys(rec.texts))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None, help="default: the default model (settings)")
    ap.add_argument("--backend", default="onnx-fp32", choices=("onnx-fp32", "torch-fp32"))
    args = ap.parse_args()
    from teamgraph.embeddings.cache import SHIPPED_DIR, encoder_identity, write_shipped
    from teamgraph.embeddings.encoder import load_encoder
    from teamgraph.settings import Settings

    args.model = args.model or Settings().model
    reference = load_encoder(args.model, args.backend)
    texts = sample_passages(args.model, reference.dim)
    # an ensemble's vectors are cached per part (encoder_for), so each part gets its own file
    parts = [p for p, _, _ in getattr(reference, "parts", None) or []] or [reference]
    SHIPPED_DIR.mkdir(exist_ok=True)
    for part in parts:
        print(f"encoding {len(texts)} distinct passages with {part.name} ({getattr(part, 'backend', '')})",
              file=sys.stderr)
        vecs = part.encode(texts, batch_size=64, progress=True)
        identity = encoder_identity(part)
        for old in SHIPPED_DIR.glob("*.npz"):
            with np.load(old) as z:
                stale = str(z["model"]) == part.name and str(z["identity"]) != identity
            if stale:
                old.unlink()  # one file per model: the previous identity's vectors go
        path = SHIPPED_DIR / f"{identity[:16]}.npz"
        write_shipped(path, identity, part.name, texts, vecs)
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)

if __name__ == "__main__":
    main()
