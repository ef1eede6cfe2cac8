# The bcx image: every bcx process (bridge, enricher, consumers, admin commands) is `bcx <cmd>`. The default
# (last) stage is the production image, without simulators; the `sim` target adds the bcx-sim wheel and its
# libraries for docker compose's simulators (`bcx sim …`) and is never deployed.
# Build from the committed tree, `make image` (git archive HEAD | docker build -), or with `docker build .`
# (.dockerignore keeps local-only files out). The build stage copies the whole context, so the wheel has
# everything pyproject.toml packages (schemas/, deploy/topics.yaml, routing rules); a test builds the wheel
# from exactly these files.
#
# python:3.11-slim pinned by the digest of its multi-arch index. It was taken from two independent public
# projects pinning the same tag (this machine cannot reach Docker Hub to confirm it); when updating, read
# the current one with `docker buildx imagetools inspect python:3.11-slim` and replace it here.
ARG PYTHON_IMAGE=python:3.11-slim@sha256:9c900dea9e8fb7e16277c179b555cc72d29a352dbc33cff48ad5a0412fd5bfc7

FROM ${PYTHON_IMAGE} AS build
WORKDIR /src
COPY . .
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels . \
    && pip wheel --no-cache-dir --no-deps --wheel-dir /sim-wheels ./simulators

FROM ${PYTHON_IMAGE} AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="bcx" \
      org.opencontainers.image.description="BigCommerce to OpenText Exstream bridge over Kafka: webhooks in, customer documents out" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="docker.io/library/python:3.11-slim"
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN groupadd --system --gid 10001 bcx && useradd --system --uid 10001 --gid bcx --no-create-home bcx
# the runtime dependencies exactly as locked (hash-checked); bcx itself then installs without resolving
COPY requirements.lock /tmp/requirements.lock
RUN pip install --no-cache-dir --require-hashes -r /tmp/requirements.lock && rm /tmp/requirements.lock
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-deps /wheels/*.whl && rm -rf /wheels
COPY deploy/topics.yaml /app/deploy/topics.yaml
# var/ is where relative defaults write (filesystem document storage, the Exstream simulator's outbox);
# owned by bcx so named volumes mounted there start writable. Kubernetes runs with a read-only root and S3.
RUN mkdir -p /app/var/documents /app/var/exstream-sim && chown -R bcx:bcx /app/var
WORKDIR /app
# numeric, so Kubernetes can verify runAsNonRoot
USER 10001:10001
ENTRYPOINT ["bcx"]
CMD ["--help"]

# docker compose's simulators: the production image plus bcx[sim] (locked with the same pins) and bcx-sim
FROM runtime AS sim
USER 0
COPY requirements-sim.lock /tmp/requirements-sim.lock
RUN pip install --no-cache-dir --require-hashes -r /tmp/requirements-sim.lock && rm /tmp/requirements-sim.lock
COPY --from=build /sim-wheels /sim-wheels
RUN pip install --no-cache-dir --no-deps /sim-wheels/*.whl && rm -rf /sim-wheels
USER 10001:10001

# the default target: the production image
FROM runtime
