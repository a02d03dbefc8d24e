# nhacviec container image: a static binary on Debian slim.
#
#   docker build -t nhacviec .
#   docker run --rm -v $PWD/config.yaml:/etc/nhacviec/config.yaml:ro nhacviec check-config
#
# Every command reads /etc/nhacviec/config.yaml (NHACVIEC_CONFIG below); the
# image ships an empty one, so without a mounted file the built-in defaults
# and NHACVIEC_* environment variables apply. The working directory,
# /var/lib/nhacviec, belongs to the nhacviec user (uid 10001) and is the
# only writable folder. The image expects database.url
# (NHACVIEC_DATABASE_URL): the managed local PostgreSQL is for
# single-machine installs, not containers. See docker-compose.yml and
# docs/OPERATIONS.md.
#
# Base images are pinned to exact versions (Go as in go.mod, a Debian point
# release), never a floating tag: a rebuild gives the same image until
# these lines are changed on purpose. To pin by digest as well, append
# @sha256:... as printed by `docker buildx imagetools inspect IMAGE:TAG`.

FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/nhacviec ./cmd/nhacviec

FROM debian:12.11-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 nhacviec \
    && useradd --system --uid 10001 --gid nhacviec --home-dir /var/lib/nhacviec --create-home --shell /usr/sbin/nologin nhacviec \
    && install -d -o root -g nhacviec -m 750 /etc/nhacviec \
    && install -o root -g nhacviec -m 640 /dev/null /etc/nhacviec/config.yaml
COPY --from=build /out/nhacviec /usr/local/bin/nhacviec
USER nhacviec
WORKDIR /var/lib/nhacviec
ENV TZ=Asia/Ho_Chi_Minh \
    NHACVIEC_CONFIG=/etc/nhacviec/config.yaml \
    NHACVIEC_HTTP_LISTEN=:9090
# /healthz and /metrics on http.listen; the Telegram webhook server in
# webhook mode.
# Set NHACVIEC_TELEGRAM_WEBHOOK_LISTEN=:8443 for webhook mode: its default
# listens on loopback only.
EXPOSE 9090 8443
# No shell, no curl: the binary asks its own /healthz. 200 while Telegram
# is unreachable ("degraded"): restarting would not bring Telegram back.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["nhacviec", "healthcheck"]
ENTRYPOINT ["nhacviec"]
CMD ["serve"]
