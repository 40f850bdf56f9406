# Grapefruit production image: gunicorn serves the web app; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OMP_THREAD_LIMIT=1 \
    GRAPEFRUIT_VAR_DIR=/data

# Tesseract for OCR; libgl/glib for OpenCV's headless wheel; curl for the health check.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng libglib2.0-0 libgomp1 curl \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 grapefruit \
    && useradd --system --uid 10001 --gid grapefruit --home-dir /app grapefruit
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=grapefruit:grapefruit . .
# collectstatic needs settings that load without production secrets; the values are not kept in the image.
RUN DATABASE_URL=sqlite:////tmp/build.sqlite3 SECRET_KEY=build-only-not-secret-build-only-not-secret-build \
    ENCRYPTION_KEYS=build:0000000000000000000000000000000000000000000000000000000000000000 \
    ALLOWED_HOSTS=localhost DEBUG=false python manage.py collectstatic --noinput \
    && mkdir -p /data && chown grapefruit:grapefruit /data

USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s CMD ["curl", "-fsS", "http://127.0.0.1:8000/health"]
CMD ["gunicorn", "grapefruit.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
