# The teamgraph app (API + pages) for docker-compose.yml; the graph lives in the neo4j service.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TEAMGRAPH_DATA_DIR=/data

# CPU-only PyTorch first (about 1.5 GB smaller than the default CUDA wheels); set the build
# argument to an empty string to take torch from PyPI instead.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
RUN if [ -n "$TORCH_INDEX_URL" ]; then pip install --index-url "$TORCH_INDEX_URL" torch; fi

WORKDIR /src
COPY pyproject.toml README.md ./
COPY teamgraph ./teamgraph
COPY graph ./graph
COPY ingest ./ingest
COPY matching ./matching
COPY embeddings ./embeddings
COPY api ./api
RUN pip install '.[fast]' && useradd --create-home --uid 10001 teamgraph \
    && mkdir -p /data && chown teamgraph /data

USER teamgraph
WORKDIR /home/teamgraph
VOLUME ["/data"]
EXPOSE 8000
CMD ["teamgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
