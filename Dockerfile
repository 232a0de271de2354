# 炼丹词典 bot image: pinned Python, locked dependencies, non-root, database on a named volume.
#   docker build -t liandan .
#   docker volume create liandan-data
#   docker run -d --name liandan --restart unless-stopped --env-file .env -v liandan-data:/app/var liandan
# See README.md → Operations for health, stopping, backups and upgrades.
FROM python:3.11.17-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_URL=sqlite:////app/var/glossary.db

# The user, and the volume's folder owned by it: a new named volume starts out with this ownership.
RUN useradd --create-home --uid 10001 liandan \
    && mkdir -p /app/var \
    && chown liandan:liandan /app/var

# Dependency layer: the runtime dependencies named in pyproject.toml, at the exact versions CI
# tested (requirements.lock). Rebuilt only when one of these two files changes.
COPY pyproject.toml requirements.lock /src/
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('/src/pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/runtime.txt \
    && pip install -c /src/requirements.lock -r /tmp/runtime.txt \
    && rm /tmp/runtime.txt

# Code layer: the bot and the glossary, which the wheel carries inside the package (bot/_data).
COPY README.md /src/
COPY bot /src/bot
COPY data /src/data
RUN pip install --no-deps /src && rm -rf /src

WORKDIR /app
USER liandan
VOLUME ["/app/var"]
# The bot rewrites /app/var/heartbeat every 15 s while connected to Discord.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["python", "-m", "bot", "health"]
# docker stop sends SIGTERM: the bot saves pending counts, closes the database and exits 0.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot", "run"]
