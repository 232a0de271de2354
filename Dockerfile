# 炼丹词典 bot image: python-slim, non-root, database on a volume.
#   docker build -t liandan .
#   docker run --env-file .env -v liandan-data:/app/var liandan
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DATABASE_URL=sqlite:////app/var/glossary.db \
    DATA_DIR=/app/data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY data ./data
RUN pip install . \
    && useradd --create-home --uid 10001 liandan \
    && mkdir -p /app/var \
    && chown liandan:liandan /app/var

USER liandan
VOLUME ["/app/var"]
CMD ["python", "-m", "bot", "run"]
