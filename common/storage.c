#include "config.h"
#include "storage.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "arena.h"
#include "cfg.h"
#include "crypto.h"
#include "id.h"
#include "log.h"

static const struct cfg_upload *ucfg;
static char root[PATH_MAX]; /* UPLOAD_DIR, absolute */

struct storage_obj {
	struct arena *mem;
	char lead[ID_SIZE];
	char spool[PATH_MAX];
	char final[PATH_MAX]; /* disk: where storage_commit puts it */
	char name[64];
	char key[128]; /* s3 object key */
	int fd;
	EVP_MD_CTX *md;
	uint64_t size;
	char sha[CRYPTO_SHA256_HEX];
	bool hashed, stored_s3, committed;
};

const struct cfg_upload *
storage_cfg(void)
{
	return ucfg;
}

const char *
storage_provider(void)
{
	return ucfg != NULL && ucfg->s3 ? "s3" : "disk";
}

static int
mkdir_ok(const char *path)
{
	if (mkdir(path, 0750) == -1 && errno != EEXIST) {
		log_error("storage", "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
storage_init(const struct cfg_upload *c)
{
	char tmp[PATH_MAX];

	ucfg = c;
	if (mkdir_ok(c->dir) == -1)
		return -1;
	if (realpath(c->dir, root) == NULL) {
		log_error("storage", "UPLOAD_DIR %s: %s", c->dir, strerror(errno));
		return -1;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.tmp", root) >= sizeof(tmp) ||
	    mkdir_ok(tmp) == -1)
		return -1;
	/* Only the s3 driver talks HTTP: a disk worker does not pay for TLS set-up. */
	if (c->s3 && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_error("storage", "curl_global_init failed");
		return -1;
	}
	return 0;
}

/* --- S3 requests (libcurl signs them: CURLOPT_AWS_SIGV4) ------------------------------------- */

/* AWS URI encoding: unreserved bytes kept, '/' kept when slash is true. */
static size_t
uri_encode(char *out, size_t outsz, const char *s, bool slash)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~' ||
		    (slash && c == '/');
		if (n + 4 > outsz)
			return 0;
		if (keep)
			out[n++] = (char)c;
		else {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		}
	}
	out[n] = '\0';
	return n;
}

/*
 * Splits the object's location into "scheme://host[:port]", the host as
 * signed, and the canonical path.  Path style: endpoint/bucket/key;
 * otherwise the bucket is the first label of the host.  -1 if too long.
 */
static int
s3_target(const struct cfg_upload *c, const char *key, char *base, size_t basesz, char *host,
    size_t hostsz, char *path, size_t pathsz)
{
	char ekey[512], defhost[256];
	const char *ep = c->s3_endpoint, *h;
	size_t schemelen;

	if (ep == NULL) {
		snprintf(defhost, sizeof(defhost), "https://s3.%s.amazonaws.com", c->s3_region);
		ep = defhost;
	}
	if ((h = strstr(ep, "://")) == NULL)
		return -1;
	schemelen = (size_t)(h - ep) + 3;
	h += 3;
	size_t hl = strcspn(h, "/");
	if (uri_encode(ekey, sizeof(ekey), key, true) == 0)
		return -1;
	if (c->s3_force_path_style) {
		if ((size_t)snprintf(host, hostsz, "%.*s", (int)hl, h) >= hostsz ||
		    (size_t)snprintf(path, pathsz, "/%s/%s", c->s3_bucket, ekey) >= pathsz)
			return -1;
	} else if ((size_t)snprintf(host, hostsz, "%s.%.*s", c->s3_bucket, (int)hl, h) >= hostsz ||
	    (size_t)snprintf(path, pathsz, "/%s", ekey) >= pathsz)
		return -1;
	if ((size_t)snprintf(base, basesz, "%.*s%s", (int)schemelen, ep, host) >= basesz)
		return -1;
	return 0;
}

static size_t
discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

/* One signed request; the HTTP status, or -1 if the endpoint was not reached. */
static long
s3_request(const char *method, const char *key, FILE *body, uint64_t size, const char *sha,
    const char *content_type)
{
	char base[300], host[256], path[600], url[1000], sigv4[128], line[160];
	struct curl_slist *h = NULL, *t;
	CURL *c;
	CURLcode rc;
	long status = -1;

	if (s3_target(ucfg, key, base, sizeof(base), host, sizeof(host), path, sizeof(path)) ==
		-1 ||
	    (size_t)snprintf(url, sizeof(url), "%s%s", base, path) >= sizeof(url)) {
		log_error("storage", "s3: object URL too long");
		return -1;
	}
	snprintf(sigv4, sizeof(sigv4), "aws:amz:%s:s3", ucfg->s3_region);
	if ((c = curl_easy_init()) == NULL) {
		log_error("storage", "s3: curl_easy_init failed");
		return -1;
	}
	snprintf(line, sizeof(line), "x-amz-content-sha256: %s", sha);
	if ((t = curl_slist_append(h, line)) == NULL)
		goto out;
	h = t;
	if (content_type != NULL) {
		snprintf(line, sizeof(line), "Content-Type: %s", content_type);
		if ((t = curl_slist_append(h, line)) == NULL)
			goto out;
		h = t;
	}
	if (curl_easy_setopt(c, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_TIMEOUT, 300L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_AWS_SIGV4, sigv4) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_USERNAME, ucfg->s3_access_key_id) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_PASSWORD, ucfg->s3_secret_access_key) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard) != CURLE_OK)
		goto out;
	if (body != NULL) {
		if (curl_easy_setopt(c, CURLOPT_UPLOAD, 1L) != CURLE_OK ||
		    curl_easy_setopt(c, CURLOPT_READDATA, body) != CURLE_OK ||
		    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)size) != CURLE_OK)
			goto out;
	} else if (curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method) != CURLE_OK)
		goto out;
	if ((rc = curl_easy_perform(c)) != CURLE_OK) {
		log_error("storage", "s3 %s: %s", method, curl_easy_strerror(rc));
		goto out;
	}
	if (curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
		status = -1;
out:
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return status;
}

static void
s3_delete(const char *key)
{
	/* SHA-256 of the empty payload. */
	static const char empty[] =
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	long st = s3_request("DELETE", key, NULL, 0, empty, NULL);

	if (st < 200 || st > 299)
		log_error("storage",
		    "s3: could not delete the object of a failed upload (status %ld)", st);
}

/* --- uploads --------------------------------------------------------------------------------- */

/* Arena reset: nothing of an upload that did not commit survives. */
static void
obj_cleanup(void *p)
{
	struct storage_obj *o = p;

	if (o->fd != -1)
		close(o->fd);
	if (unlink(o->spool) == -1 && errno != ENOENT)
		log_error("storage", "cannot remove spool file: %s", strerror(errno));
	if (o->stored_s3 && !o->committed)
		s3_delete(o->key);
	EVP_MD_CTX_free(o->md);
}

struct storage_obj *
storage_begin(struct arena *mem, const char *lead_id)
{
	struct storage_obj *o;
	char rnd[33];

	if (ucfg == NULL || !id_is_cuid(lead_id) || strlen(lead_id) >= ID_SIZE ||
	    strpbrk(lead_id, "/\\.") != NULL)
		return NULL;
	if ((o = arena_alloc(mem, sizeof(*o))) == NULL || crypto_token_hex(rnd, 16) == -1)
		return NULL;
	o->fd = -1;
	o->mem = mem;
	memcpy(o->lead, lead_id, strlen(lead_id) + 1);
	if ((size_t)snprintf(o->spool, sizeof(o->spool), "%s/.tmp/%s.part", root, rnd) >=
	    sizeof(o->spool))
		return NULL;
	if ((o->md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(o->md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(o->md);
		log_error("storage", "SHA-256 context failed");
		return NULL;
	}
	if (arena_defer(mem, obj_cleanup, o) == -1)
		return NULL;
	o->fd = open(o->spool, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (o->fd == -1) {
		log_error("storage", "cannot create spool file: %s", strerror(errno));
		return NULL;
	}
	return o;
}

int
storage_write(struct storage_obj *o, const void *buf, size_t n)
{
	const char *p = buf;
	size_t left = n;

	while (left > 0) {
		ssize_t w = write(o->fd, p, left);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			log_error("storage", "spool write failed: %s", strerror(errno));
			return -1;
		}
		p += w;
		left -= (size_t)w;
	}
	if (EVP_DigestUpdate(o->md, buf, n) != 1)
		return -1;
	o->size += n;
	return 0;
}

const char *
storage_spool_path(const struct storage_obj *o)
{
	return o->spool;
}

uint64_t
storage_size(const struct storage_obj *o)
{
	return o->size;
}

const char *
storage_sha256(struct storage_obj *o)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dl = 0;

	if (!o->hashed) {
		if (EVP_DigestFinal_ex(o->md, d, &dl) != 1 || dl != CRYPTO_SHA256_LEN)
			return NULL;
		crypto_hex(o->sha, d, dl);
		o->hashed = true;
	}
	return o->sha;
}

static bool
safe_ext(const char *ext)
{
	size_t n = strlen(ext);

	if (n == 0)
		return true;
	if (ext[0] != '.' || n > 10)
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((ext[i] >= 'a' && ext[i] <= 'z') || (ext[i] >= '0' && ext[i] <= '9')))
			return false;
	return true;
}

/* Trailing slashes of a base URL off. */
static char *
trim_slash(struct arena *mem, const char *s)
{
	size_t n = strlen(s);

	while (n > 0 && s[n - 1] == '/')
		n--;
	return arena_strndup(mem, s, n);
}

enum storage_err
storage_store(struct storage_obj *o, const char *ext, const char *content_type,
    const char **file_path, const char **storage_key)
{
	struct timespec ts;
	unsigned char rnd[6];
	char hex[13];

	if (!safe_ext(ext) || storage_sha256(o) == NULL || crypto_random(rnd, sizeof(rnd)) == -1)
		return STORAGE_EIO;
	crypto_hex(hex, rnd, sizeof(rnd));
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(o->name, sizeof(o->name), "%lld-%s%s",
	    (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, hex, ext);
	if (fsync(o->fd) == -1 || close(o->fd) == -1) {
		o->fd = -1;
		log_error("storage", "spool file: %s", strerror(errno));
		return STORAGE_EIO;
	}
	o->fd = -1;
	if (!ucfg->s3) {
		if ((size_t)snprintf(o->final, sizeof(o->final), "%s/%s/%s", root, o->lead,
			o->name) >= sizeof(o->final))
			return STORAGE_EIO;
		*file_path = arena_printf(o->mem, "/uploads/%s/%s", o->lead, o->name);
		*storage_key = o->final;
		return *file_path != NULL ? STORAGE_OK : STORAGE_EIO;
	}
	snprintf(o->key, sizeof(o->key), "leads/%s/%s", o->lead, o->name);
	FILE *f = fopen(o->spool, "rb");
	if (f == NULL) {
		log_error("storage", "spool file: %s", strerror(errno));
		return STORAGE_EIO;
	}
	long st = s3_request("PUT", o->key, f, o->size, o->sha, content_type);
	fclose(f);
	if (st < 200 || st > 299) {
		if (st != -1)
			log_error("storage", "s3 PUT answered %ld", st);
		return STORAGE_EUNAVAILABLE;
	}
	o->stored_s3 = true;
	*storage_key = o->key;
	/* spec §5.10: public URL, else endpoint/bucket, else the bare key. */
	if (ucfg->s3_public_url != NULL)
		*file_path =
		    arena_printf(o->mem, "%s/%s", trim_slash(o->mem, ucfg->s3_public_url), o->key);
	else if (ucfg->s3_endpoint != NULL)
		*file_path = arena_printf(o->mem, "%s/%s/%s", trim_slash(o->mem, ucfg->s3_endpoint),
		    ucfg->s3_bucket, o->key);
	else
		*file_path = o->key;
	return *file_path != NULL ? STORAGE_OK : STORAGE_EIO;
}

int
storage_commit(struct storage_obj *o)
{
	char dir[PATH_MAX];

	if (ucfg->s3) {
		o->committed = true;
		return 0;
	}
	if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", root, o->lead) >= sizeof(dir) ||
	    mkdir_ok(dir) == -1)
		return -1;
	/* link(2), not rename(2): an existing name is never replaced. */
	if (link(o->spool, o->final) == -1) {
		log_error("storage", "cannot store the upload: %s", strerror(errno));
		return -1;
	}
	o->committed = true;
	if (unlink(o->spool) == -1)
		log_error("storage", "cannot remove spool file: %s", strerror(errno));
	return 0;
}

const char *
storage_disk_name(const char *fp, const char *lead_id)
{
	size_t ll = strlen(lead_id);
	const char *name;

	if (strncmp(fp, "/uploads/", 9) != 0 || strncmp(fp + 9, lead_id, ll) != 0 ||
	    fp[9 + ll] != '/' || !id_is_cuid(lead_id) || strpbrk(lead_id, "/\\.") != NULL)
		return NULL;
	name = fp + 10 + ll;
	if (*name == '\0' || *name == '.' || strlen(name) > 200)
		return NULL;
	for (const char *p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			return NULL;
	return name;
}

char *
storage_disposition(struct arena *mem, const char *name)
{
	const char *base = name, *p;
	char enc[1024], ascii[256];
	size_t n = 0;

	for (p = name; *p != '\0'; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	if (*base == '\0')
		base = "plik";
	for (p = base; *p != '\0' && n + 1 < sizeof(ascii); p++) {
		unsigned char c = (unsigned char)*p;
		ascii[n++] =
		    c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == ';' ? '_' : (char)c;
	}
	ascii[n] = '\0';
	if (uri_encode(enc, sizeof(enc), base, false) == 0)
		snprintf(enc, sizeof(enc), "plik");
	return arena_printf(mem, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, enc);
}

/* --- pre-signed URLs (SigV4 by hand: libcurl signs requests, not links) ---------------------- */

static int
hmac(unsigned char out[CRYPTO_SHA256_LEN], const void *key, size_t keylen, const char *msg)
{
	return crypto_hmac_sha256(out, key, keylen, msg, strlen(msg));
}

char *
storage_presign_cfg(struct arena *mem, const struct cfg_upload *c, const char *key,
    const char *disposition, int64_t now, long expires)
{
	char base[300], host[256], path[600], date[9], stamp[17], cred[256], ecred[512],
	    edisp[1200];
	char query[2048], creq[4096], sts[512], hash[CRYPTO_SHA256_HEX], secret[300];
	unsigned char k1[CRYPTO_SHA256_LEN], k2[CRYPTO_SHA256_LEN], sig[CRYPTO_SHA256_LEN];
	char sighex[CRYPTO_SHA256_HEX];
	time_t t = (time_t)now;
	struct tm tm;
	int n;

	if (gmtime_r(&t, &tm) == NULL ||
	    s3_target(c, key, base, sizeof(base), host, sizeof(host), path, sizeof(path)) == -1)
		return NULL;
	strftime(date, sizeof(date), "%Y%m%d", &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(cred, sizeof(cred), "%s/%s/%s/s3/aws4_request", c->s3_access_key_id, date,
	    c->s3_region);
	if (uri_encode(ecred, sizeof(ecred), cred, false) == 0)
		return NULL;
	edisp[0] = '\0';
	if (disposition != NULL && uri_encode(edisp, sizeof(edisp), disposition, false) == 0)
		return NULL;
	/* Canonical query: parameters sorted by name (upper case sorts first). */
	n = snprintf(query, sizeof(query),
	    "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=%s&X-Amz-Date=%s&X-Amz-Expires=%ld"
	    "&X-Amz-SignedHeaders=host%s%s",
	    ecred, stamp, expires, disposition != NULL ? "&response-content-disposition=" : "",
	    edisp);
	if (n < 0 || (size_t)n >= sizeof(query))
		return NULL;
	n = snprintf(creq, sizeof(creq), "GET\n%s\n%s\nhost:%s\n\nhost\nUNSIGNED-PAYLOAD", path,
	    query, host);
	if (n < 0 || (size_t)n >= sizeof(creq))
		return NULL;
	crypto_sha256_hex(hash, creq, (size_t)n);
	snprintf(sts, sizeof(sts), "AWS4-HMAC-SHA256\n%s\n%s/%s/s3/aws4_request\n%s", stamp, date,
	    c->s3_region, hash);
	if ((size_t)snprintf(secret, sizeof(secret), "AWS4%s", c->s3_secret_access_key) >=
	    sizeof(secret))
		return NULL;
	if (hmac(k1, secret, strlen(secret), date) == -1 ||
	    hmac(k2, k1, sizeof(k1), c->s3_region) == -1 || hmac(k1, k2, sizeof(k2), "s3") == -1 ||
	    hmac(k2, k1, sizeof(k1), "aws4_request") == -1 || hmac(sig, k2, sizeof(k2), sts) == -1)
		return NULL;
	OPENSSL_cleanse(secret, sizeof(secret));
	crypto_hex(sighex, sig, sizeof(sig));
	return arena_printf(mem, "%s%s?%s&X-Amz-Signature=%s", base, path, query, sighex);
}

char *
storage_presign(
    struct arena *mem, const char *key, const char *disposition, int64_t now, long expires)
{
	if (ucfg == NULL || !ucfg->s3)
		return NULL;
	return storage_presign_cfg(mem, ucfg, key, disposition, now, expires);
}
