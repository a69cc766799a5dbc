# Dockerfile — the production image of Izzy CRM: nginx + the FastCGI programs under spawn-fcgi +
# the background worker, on Debian 12. PostgreSQL is a separate container (docker-compose.yml).
# Packages come from the same lists as development: scripts/install-deps --build / --runtime.

# --- build: compile the programs ---------------------------------------------------------------
FROM debian:12-slim AS build
COPY scripts/install-deps /src/scripts/install-deps
RUN /src/scripts/install-deps --build --no-npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN scripts/build /src/build \
 && mkdir -p /out/cgi-bin /out/bin \
 && for f in build/cgi-bin/* build/bin/*; do \
      case "${f##*/}" in *.*) continue ;; esac; \
      if [ -f "$f" ] && [ -x "$f" ]; then cp "$f" "/out/${f#build/}" && strip "/out/${f#build/}"; fi; \
    done \
 && cp -r schema nginx /out/ \
 && mkdir -p /out/scripts && cp -r scripts/lib scripts/container-entrypoint scripts/backup scripts/restore /out/scripts/ \
 && cp scripts/tls-reload scripts/staging-snapshot /out/scripts/ && cp common/anonymise.sql /out/scripts/lib/

# --- www: the static frontend with its pinned libraries (www/package-lock.json) ---------------------
FROM debian:12-slim AS www
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src/www
COPY www/package.json www/package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY www/ ./
# Only the public files go into the image — the same allow-list nginx serves
# (nginx/snippets/locations.conf): no README, package files, scripts or node_modules.
RUN sh scripts/vendor.sh \
 && mkdir /public \
 && cp -R index.html favicon.svg logo.svg css js vendor openapi.json /public/

# --- runtime -----------------------------------------------------------------------------------
FROM debian:12-slim
COPY scripts/install-deps /tmp/install-deps/scripts/install-deps
RUN /tmp/install-deps/scripts/install-deps --runtime --no-npm \
 && rm -rf /var/lib/apt/lists/* /tmp/install-deps \
 && useradd --system --home-dir /var/lib/izzy --shell /usr/sbin/nologin izzy \
 && mkdir -p /var/lib/izzy/uploads /var/lib/izzy/acme /etc/izzy/tls \
 && chown izzy:www-data /var/lib/izzy/uploads && chmod 2750 /var/lib/izzy/uploads

COPY --from=build /out /opt/izzy
COPY --from=www /public /opt/izzy/www

# Settings of the image; secrets and site settings come from the env file (.env.production).
ENV IZZY_ENV=production \
    IZZY_APP_DIR=/opt/izzy \
    IZZY_VAR_DIR=/run/izzy \
    IZZY_SCHEMA_DIR=/opt/izzy/schema \
    IZZY_NGINX_TEMPLATE=/opt/izzy/nginx/izzy-production.conf.in \
    IZZY_NGINX_USER=www-data \
    IZZY_NGINX_ACCESS_LOG=/dev/stdout \
    IZZY_NGINX_ERROR_LOG=/dev/stderr \
    IZZY_FCGI_USER=izzy \
    IZZY_FCGI_LOG=stderr \
    IZZY_TLS_CERT=/etc/izzy/tls/fullchain.pem \
    IZZY_TLS_KEY=/etc/izzy/tls/privkey.pem \
    IZZY_ACME_ROOT=/var/lib/izzy/acme \
    UPLOAD_DIR=/var/lib/izzy/uploads

WORKDIR /opt/izzy
EXPOSE 80 443
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD curl -fsSk https://127.0.0.1/api/health >/dev/null || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["/opt/izzy/scripts/container-entrypoint"]
