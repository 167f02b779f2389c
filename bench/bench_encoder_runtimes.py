"""Other inference runtimes for the encoder, measured against torch fp32 and the shipped ONNX
Runtime backends in one run: OpenVINO over the fp32 export, OpenVINO over a static QDQ int8
export (onnxruntime `quantize_static`, per-channel weights, calibrated on real LLIS passages), and
CTranslate2 (int8 and fp32). Issue 11 item 3 asks for ≥ 3× torch fp32 texts/s on AVX2 CPUs; this
script is how the README's "other runtimes" rows were measured. Not a test; no runtime here is a
dependency of the project, so each is skipped when its package is not importable:

    PYTHONPATH=/tmp/hb-pkgs nice -n 10 python bench/bench_encoder_runtimes.py [--texts 128] [--rounds 3]

Every variant reuses OnnxEncoder's tokenisation, length-sorted batches and pooling; only the call
that maps token ids to hidden states differs, so the CPU milliseconds per text compare runtimes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
MODEL = "all-MiniLM-L6-v2"
THREADS = 2


def swapped(base, backend: str, session):
    """`base` (an OnnxEncoder) with its session replaced by another runtime's `run(None, feeds)`."""
    from teamgraph.embeddings.onnx_encoder import OnnxEncoder

    class Encoder(OnnxEncoder):
        @property
        def backend(self) -> str:
            return backend

        def _load(self):
            _, tok = base._load()
            return session, tok

    return Encoder(base.name, base.folder, False)


class OpenVinoSession:
    def __init__(self, path: Path, cache_dir: Path, hint: str = "THROUGHPUT"):
        import openvino as ov
        core = ov.Core()
        core.set_property("CPU", {"CACHE_DIR": str(cache_dir)})
        t = time.perf_counter()
        self.compiled = core.compile_model(core.read_model(str(path)), "CPU",
                                           {"PERFORMANCE_HINT": hint, "INFERENCE_NUM_THREADS": THREADS})
        self.compile_s = time.perf_counter() - t
        self.request = self.compiled.create_infer_request()

    def run(self, _outputs, feeds):
        return [next(iter(self.request.infer(feeds).values()))]


class CTranslate2Session:
    def __init__(self, folder: Path, compute_type: str):
        import ctranslate2
        self.encoder = ctranslate2.Encoder(str(folder), device="cpu", compute_type=compute_type, intra_threads=THREADS)

    def run(self, _outputs, feeds):
        lengths = feeds["attention_mask"].sum(axis=1)
        tokens = [[int(t) for t in row[:n]] for row, n in zip(feeds["input_ids"], lengths)]
        return [np.array(self.encoder.forward_batch(tokens).last_hidden_state)]


def qdq_int8(fp32: Path, out: Path, tokenizer_file: str, texts: list[str]) -> Path:
    """Static int8 (QDQ) of every MatMul but the feed-forward down-projections, calibrated on `texts`."""
    import onnx
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(tokenizer_file)
    tok.enable_truncation(max_length=256)

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.starts = iter(range(0, len(texts), 8))

        def get_next(self):
            s = next(self.starts, None)
            if s is None:
                return None
            enc = tok.encode_batch(texts[s:s + 8])
            ids = np.zeros((len(enc), max(len(e.ids) for e in enc)), dtype=np.int64)
            mask = np.zeros_like(ids)
            for r, e in enumerate(enc):
                ids[r, :len(e.ids)], mask[r, :len(e.ids)] = e.ids, 1
            return {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}

    graph = onnx.load(str(fp32), load_external_data=False).graph
    keep = [n.name for n in graph.node if n.op_type == "MatMul" and "/output/dense/" in n.name and "attention" not in n.name]
    quantize_static(str(fp32), str(out), Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
                    weight_type=QuantType.QInt8, activation_type=QuantType.QUInt8, op_types_to_quantize=["MatMul"],
                    nodes_to_exclude=keep)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--texts", type=int, default=128)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--calibration", type=int, default=256, help="passages after the timed ones, for QDQ int8")
    args = ap.parse_args()
    from bench_encoder import cpu_line
    from bench_retrieval import real_passages

    from teamgraph.embeddings.encoder import load_encoder, model_path
    passages = real_passages(args.texts + args.calibration)
    texts, calibration = passages[:args.texts], passages[args.texts:]
    encoders = {b: load_encoder(MODEL, b, progress=False) for b in ("torch-fp32", "onnx-fp32", "onnx-int8")}
    base = encoders["onnx-fp32"]
    work = Path(tempfile.mkdtemp(prefix="encoder-runtimes-"))
    notes = []
    try:
        import openvino  # noqa: F401
        s = OpenVinoSession(base.folder / "model.onnx", work / "ov-cache")
        encoders["openvino-fp32"] = swapped(base, "openvino-fp32", s)
        notes.append(f"openvino {openvino.__version__}: fp32 compile {s.compile_s:.2f} s")
        qdq = qdq_int8(base.folder / "model.onnx", work / "qdq.onnx", base.meta["tokenizer"], calibration)
        s = OpenVinoSession(qdq, work / "ov-cache")
        encoders["openvino-qdq-int8"] = swapped(base, "openvino-qdq-int8", s)
        notes.append(f"QDQ int8 compile {s.compile_s:.2f} s")
    except ImportError:
        notes.append("openvino not importable: skipped")
    try:
        import ctranslate2
        from ctranslate2.converters import TransformersConverter
        TransformersConverter(model_path(MODEL)).convert(str(work / "ct2"), quantization="int8")
        for ctype in ("int8", "float32"):
            encoders[f"ctranslate2-{ctype}"] = swapped(base, f"ctranslate2-{ctype}", CTranslate2Session(work / "ct2", ctype))
        notes.append(f"ctranslate2 {ctranslate2.__version__}")
    except ImportError:
        notes.append("ctranslate2 not importable: skipped")
    print(f"CPU: {cpu_line()}\n{len(texts)} LLIS passages, batch 64, {args.rounds} interleaved rounds; " + "; ".join(notes))
    for enc in encoders.values():
        enc.encode(texts[:64])  # load and warm up outside the timing
    cpu, wall, vecs = {b: [] for b in encoders}, {b: [] for b in encoders}, {}
    for _ in range(args.rounds):
        for b, enc in encoders.items():
            t, c = time.perf_counter(), time.process_time()
            vecs[b] = enc.encode(texts, batch_size=64)
            wall[b].append(len(texts) / (time.perf_counter() - t))
            cpu[b].append(1000 * (time.process_time() - c) / len(texts))
    ref_cpu = statistics.median(cpu["torch-fp32"])
    print("| runtime | texts/s | CPU ms per text | × torch fp32 (CPU) | cosine to torch fp32 (min / mean) |")
    print("|---|---|---|---|---|")
    for b in encoders:
        cos = (vecs[b] * vecs["torch-fp32"]).sum(axis=1)
        m = statistics.median(cpu[b])
        print(f"| {b} | {statistics.median(wall[b]):.1f} | {m:.1f} | {ref_cpu / m:.2f} | {cos.min():.4f} / {cos.mean():.4f} |")


if __name__ == "__main__":
    main()
