# nhacviec container image: a static binary on Debian slim.
#
#   docker build -t nhacviec .
#   docker run --rm -v $PWD/config.yaml:/etc/nhacviec/config.yaml:ro nhacviec check-config
#
# The working directory is /etc/nhacviec, so a config.yaml mounted there is
# read by every command without --config; without one, the built-in defaults
# and NHACVIEC_* environment variables apply. The image expects database.url (NHACVIEC_DATABASE_URL): the managed local
# PostgreSQL is for single-machine installs, not containers. See
# docker-compose.yml and docs/OPERATIONS.md.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/nhacviec ./cmd/nhacviec

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system nhacviec \
    && useradd --system --gid nhacviec --home-dir /var/lib/nhacviec --create-home --shell /usr/sbin/nologin nhacviec
COPY --from=build /out/nhacviec /usr/local/bin/nhacviec
USER nhacviec
WORKDIR /etc/nhacviec
ENV TZ=Asia/Ho_Chi_Minh
# /healthz and /metrics when http.listen is set (e.g. NHACVIEC_HTTP_LISTEN=:9090);
# the Telegram webhook server in webhook mode (set NHACVIEC_TELEGRAM_WEBHOOK_LISTEN=:8443:
# its default listens on loopback only).
EXPOSE 9090 8443
ENTRYPOINT ["nhacviec"]
CMD ["serve"]
