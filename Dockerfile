# The bcx image: every bcx process (bridge, enricher, consumers, simulators, admin commands) is `bcx <cmd>`.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bcx bcx
COPY bcx_app bcx_app
COPY producers producers
COPY consumers consumers
COPY routing routing
COPY simulators simulators
COPY schemas schemas
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN groupadd --system --gid 10001 bcx && useradd --system --uid 10001 --gid bcx --no-create-home bcx
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
COPY deploy/topics.yaml /app/deploy/topics.yaml
# var/ is where relative defaults write (filesystem document storage, the Exstream simulator's outbox);
# owned by bcx so named volumes mounted there start writable. Kubernetes runs with a read-only root and S3.
RUN mkdir -p /app/var/documents /app/var/exstream-sim && chown -R bcx:bcx /app/var
WORKDIR /app
# numeric, so Kubernetes can verify runAsNonRoot
USER 10001:10001
ENTRYPOINT ["bcx"]
CMD ["--help"]
