# One image for every role (migrate, beat, the five pools, flower, exporter, sandbox): the
# command picks the role. Built by docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# discovery/pgmq/sql.py reads sql/ beside the package, so the code runs from the source tree
# (PYTHONPATH); `pip install .` brings the dependencies and the `discovery` command.
ENV PYTHONPATH=/app
COPY . /app
RUN pip install . \
    && useradd --create-home --uid 10001 discovery \
    && chown -R discovery /app
USER discovery

CMD ["discovery", "--help"]
