"""Encoder benchmark: texts/s and query latency of every backend in one run, their vectors'
cosine to sentence-transformers fp32 (today's fp32 path), and retrieval metrics on the dev data
(LLIS cases, team2box android experts) per backend. Not a test: prints markdown tables and writes
bench/results/encoder.json.

    nice -n 10 python bench/bench_encoder.py [--texts 512] [--rounds 3] [--skip-metrics]
                                             [--backends torch-fp32,torch-bf16,onnx-fp32,onnx-int8]
    nice -n 10 python bench/bench_encoder.py --models multilingual,multilingual-e5-small [--texts 128]

`--models` instead compares whole models (each on its automatic backend) by passage texts/s and
CPU seconds per text, interleaved on the same passages, each beside the first one named.

Targets (issue 11): the automatic backend ≥ 3× torch-fp32 texts/s on AVX2 CPUs, with retrieval
metrics within 0.005 of fp32. Besides texts/s (wall) each backend's CPU milliseconds per text are
reported (all threads of the process): on a shared machine their ratio is the steadier one.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DEV = Path("/work/shared/data")
MODEL = "all-MiniLM-L6-v2"
FEATURES = ("AVX2", "FMA3", "AVX512F", "AVX512VNNI", "AVX512BF16", "AVX512FP16", "AVX512_SPR")  # numpy's names


def cpu_line() -> str:
    from teamgraph.embeddings.encoder import auto_backend, cpu_features
    feats = cpu_features()
    name = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                name = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os
    have = [f for f in FEATURES if f in feats]
    return f"{name}, {os.cpu_count()} cores, {' '.join(have)}; auto backend: {auto_backend(feats)}"


def metrics(encoder) -> dict:
    from teamgraph.embeddings.evaluate import eval_cases, eval_experts
    out = {}
    if (DEV / "llis").exists():
        r = eval_cases(DEV / "llis", encoder)
        out.update({f"cases {t} {m}": r[t]["dense"][m] for t in ("title", "event") for m in ("mrr@10", "recall@10")})
        out.update({f"cases {t} hybrid mrr@10": r[t]["hybrid"]["mrr@10"] for t in ("title", "event")})
        out["cases topic dense ndcg@10"] = r["topic"]["dense"]["ndcg@10"]
    if (DEV / "team2box" / "android").exists():
        r = eval_experts(DEV / "team2box" / "android", encoder)
        out.update({f"experts android {m}": v for m, v in r["teamgraph"].items()})
    return out


def model_speeds(names: list[str], texts: list[str], rounds: int) -> dict:
    """Passage texts/s (wall, median of interleaved rounds) and CPU s per text of each model."""
    from teamgraph.embeddings.encoder import load_encoder
    encoders = {n: load_encoder(n, progress=False) for n in names}
    for enc in encoders.values():  # load and warm up outside the timing
        enc.encode(texts[:8])
    wall, cpu = {n: [] for n in names}, {n: [] for n in names}
    for _ in range(rounds):
        for n, enc in encoders.items():
            t, c = time.perf_counter(), time.process_time()
            enc.encode(texts, batch_size=64)
            wall[n].append(len(texts) / (time.perf_counter() - t))
            cpu[n].append((time.process_time() - c) / len(texts))
    base = statistics.median(wall[names[0]])
    return {n: {"texts_per_s": round(statistics.median(wall[n]), 1),
                "cpu_s_per_text": round(statistics.median(cpu[n]), 4),
                f"vs_{names[0]}": round(statistics.median(wall[n]) / base, 2)} for n in names}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default=None, help="comma-separated models to compare by speed (see above)")
    ap.add_argument("--texts", type=int, default=512)
    ap.add_argument("--backends", default="torch-fp32,torch-bf16,onnx-fp32,onnx-int8")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved timing rounds (median reported)")
    ap.add_argument("--skip-metrics", action="store_true")
    ap.add_argument("--metrics-backends", default="onnx-fp32,onnx-int8",
                    help="backends whose retrieval metrics are compared (torch-fp32 is slow under load)")
    args = ap.parse_args()
    from bench_retrieval import bench_encoding, real_passages

    from teamgraph.embeddings.encoder import load_encoder
    texts = real_passages(args.texts)
    if args.models:
        names = args.models.split(",")
        print(f"CPU: {cpu_line()}\n{len(texts)} LLIS passages, mean "
              f"{np.mean([len(t.split()) for t in texts]):.0f} words, {args.rounds} interleaved rounds\n")
        rows = model_speeds(names, texts, args.rounds)
        print(f"| model | texts/s | × {names[0]} | CPU s per text |\n|---|---|---|---|")
        for n, r in rows.items():
            print(f"| {n} | {r['texts_per_s']} | {r[f'vs_{names[0]}']} | {r['cpu_s_per_text']} |")
        return
    backends = args.backends.split(",")
    cpu = cpu_line()
    print(f"CPU: {cpu}\n{len(texts)} LLIS passages, mean {np.mean([len(t.split()) for t in texts]):.0f} words\n")
    rows, vecs, speeds, cpu_s = {}, {}, {b: [] for b in backends}, {b: [] for b in backends}
    encoders = {b: load_encoder(MODEL, b, progress=False) for b in backends}
    for b in backends:  # load, warm up, query latency
        rows[b], vecs[b] = bench_encoding(encoders[b], texts[:64])
        rows[b].pop("texts_per_s")
    for _ in range(args.rounds):  # interleaved, so a change in the machine's load hits every backend alike
        for b in backends:
            t, c = time.perf_counter(), time.process_time()
            vecs[b] = encoders[b].encode(texts, batch_size=64)
            speeds[b].append(len(texts) / (time.perf_counter() - t))
            cpu_s[b].append((time.process_time() - c) / len(texts))  # every thread of this process
    for b in backends:
        rows[b]["texts_per_s"] = round(statistics.median(speeds[b]), 1)
        rows[b]["cpu_ms_per_text"] = round(1000 * statistics.median(cpu_s[b]), 1)
        print(f"  {b}: {rows[b]}", file=sys.stderr, flush=True)
    ref = vecs.get("torch-fp32")
    base = rows.get("torch-fp32", {}).get("texts_per_s")
    base_cpu = rows.get("torch-fp32", {}).get("cpu_ms_per_text")
    for b in backends:
        if base:
            rows[b]["vs_torch_fp32"] = round(rows[b]["texts_per_s"] / base, 2)
            # CPU work per text: the ratio an idle machine would show, whatever the other jobs' load
            rows[b]["cpu_vs_torch_fp32"] = round(base_cpu / rows[b]["cpu_ms_per_text"], 2)
        if ref is not None:
            cos = (vecs[b] * ref).sum(axis=1)
            rows[b].update({"cos_min": round(float(cos.min()), 4), "cos_mean": round(float(cos.mean()), 4)})
    print("| backend | texts/s | × torch fp32 | CPU ms per text | × torch fp32 (CPU) | query p50 ms "
          "| cosine to fp32 (min / mean) |")
    print("|---|---|---|---|---|---|---|")
    for b, r in rows.items():
        print(f"| {b} | {r['texts_per_s']} | {r.get('vs_torch_fp32', '')} | {r['cpu_ms_per_text']} | "
              f"{r.get('cpu_vs_torch_fp32', '')} | {r['query_p50_ms']} | {r.get('cos_min', '')} / {r.get('cos_mean', '')} |")
    result = {"cpu": cpu, "texts": len(texts), "throughput": rows}
    if not args.skip_metrics:
        table = {}
        for b in args.metrics_backends.split(","):
            table[b] = metrics(load_encoder(MODEL, b, progress=False))
            print(f"  metrics {b}: {table[b]}", file=sys.stderr, flush=True)
        names = list(next(iter(table.values())))
        # the fp32 reference: sentence-transformers, or its ONNX fp32 export (cosine 0.9999999 to it)
        fp32 = "torch-fp32" if "torch-fp32" in table else "onnx-fp32"
        print("\n| metric (dev data) | " + " | ".join(table) + f" | max abs. difference to {fp32} |")
        print("|---|" + "---|" * (len(table) + 1))
        for m in names:
            ref_m = table.get(fp32, {}).get(m)
            deltas = [abs(t[m] - ref_m) for b, t in table.items() if b != fp32 and ref_m is not None]
            print(f"| {m} | " + " | ".join(f"{t[m]:.4f}" for t in table.values()) + " | "
                  + (f"{max(deltas):.4f}" if deltas else "") + " |")
        result["metrics"] = table
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "encoder.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
