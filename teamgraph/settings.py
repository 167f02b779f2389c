"""Settings, built once at the edge (CLI, create_app) from TEAMGRAPH_* and NEO4J_* variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from teamgraph.errors import FieldProblem, ValidationError

DEFAULT_MODEL = "multilingual"  # USE-multilingual v3 + all-MiniLM-L6-v2 (embeddings/ensemble.py)
# How the model runs (embeddings/encoder.py): auto picks by the CPU's features.
ENCODER_BACKENDS = ("auto", "onnx-int8", "onnx-fp32", "torch", "torch-fp32", "torch-bf16")


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "teamgraph"


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "on", "true", "yes"):
        return True
    if raw in ("0", "off", "false", "no"):
        return False
    raise ValidationError(FieldProblem(f"must be 1 or 0 (on/off, true/false, yes/no), not {raw!r}", field=name))


@dataclass(frozen=True)
class Settings:
    store: str = "embedded"  # embedded | neo4j
    data_dir: Path = Path(".")
    neo4j_uri: str = "bolt://localhost:7687"
    neo4j_username: str = "neo4j"
    neo4j_password: str = ""
    neo4j_database: str = "neo4j"
    model: str = DEFAULT_MODEL  # sentence-transformers name or path
    encoder: str = "auto"  # TEAMGRAPH_ENCODER: one of ENCODER_BACKENDS
    models_dir: Path | None = None  # TEAMGRAPH_MODELS_DIR: exported models (default: the user's cache)
    embedding_cache: bool = True  # TEAMGRAPH_EMBEDDING_CACHE=0: no persistent cache, no shipped vectors
    secret_key: str = ""
    count_tentative: bool = True  # TEAMGRAPH_COUNT_TENTATIVE=0: suggestions' load counts confirmed bookings only

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides) -> Settings:
        env = os.environ if env is None else env
        store = env.get("TEAMGRAPH_STORE", "embedded").strip().lower()
        if store not in ("embedded", "neo4j"):
            raise ValidationError(FieldProblem(f"must be 'embedded' or 'neo4j', not {store!r}",
                                               field="TEAMGRAPH_STORE"))
        backend = env.get("TEAMGRAPH_ENCODER", cls.encoder).strip().lower() or cls.encoder
        if backend not in ENCODER_BACKENDS:
            raise ValidationError(FieldProblem(f"must be one of {', '.join(ENCODER_BACKENDS)}, not {backend!r}",
                                               field="TEAMGRAPH_ENCODER"))
        s = cls(
            store=store,
            data_dir=Path(env.get("TEAMGRAPH_DATA_DIR") or default_data_dir()).expanduser(),
            neo4j_uri=env.get("NEO4J_URI", cls.neo4j_uri),
            neo4j_username=env.get("NEO4J_USERNAME", cls.neo4j_username),
            neo4j_password=env.get("NEO4J_PASSWORD", cls.neo4j_password),
            neo4j_database=env.get("NEO4J_DATABASE", cls.neo4j_database),
            model=env.get("TEAMGRAPH_MODEL", cls.model),
            secret_key=env.get("TEAMGRAPH_SECRET_KEY", ""),
            encoder=backend,
            embedding_cache=env.get("TEAMGRAPH_EMBEDDING_CACHE", "1").strip().lower() not in ("0", "off", "false", "no"),
            models_dir=Path(env["TEAMGRAPH_MODELS_DIR"]).expanduser() if env.get("TEAMGRAPH_MODELS_DIR") else None,
            count_tentative=_flag(env, "TEAMGRAPH_COUNT_TENTATIVE", True),
        )
        return replace(s, **overrides) if overrides else s

    @property
    def index_dir(self) -> Path:
        """Where retrieval indexes live, beside the store (one folder per backend/database)."""
        sub = "embedded" if self.store == "embedded" else f"neo4j-{self.neo4j_database}"
        return self.data_dir / "index" / sub
