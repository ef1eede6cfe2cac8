# The bcx image: every bcx process (bridge, enricher, consumers, simulators, admin commands) is `bcx <cmd>`.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bcx bcx
COPY producers producers
COPY consumers consumers
COPY routing routing
COPY simulators simulators
COPY schemas schemas
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --system --uid 10001 bcx
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
COPY deploy/topics.yaml /app/deploy/topics.yaml
WORKDIR /app
USER bcx
ENTRYPOINT ["bcx"]
CMD ["--help"]
