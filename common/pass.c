#include "config.h"
#include "pass.h"

#include <crypt.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "log.h"

/* A valid cost-12 hash of a random string, so the dummy check does real work. */
static const char dummy_hash[] = "$2b$12$K4EU3Sr8HjDcaI/DiPzp8ulofY5jhOWmG2fn6cjG6q3udRI/K19yG";

int
pass_hash(char out[PASS_HASH_SIZE], const char *pw)
{
	unsigned char rnd[16];
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd;
	const char *h;
	int rc = -1;

	if (strlen(pw) > PASS_MAX || crypto_random(rnd, sizeof(rnd)) == -1)
		return -1;
	if (crypt_gensalt_rn("$2b$", PASS_COST, (const char *)rnd, sizeof(rnd), setting,
		sizeof(setting)) == NULL) {
		log_error("pass", "crypt_gensalt_rn: %s", strerror(errno));
		return -1;
	}
	/* struct crypt_data is ~32 KiB: too big for a worker's stack habits. */
	if ((cd = calloc(1, sizeof(*cd))) == NULL) {
		log_error("pass", "calloc: out of memory");
		return -1;
	}
	h = crypt_r(pw, setting, cd);
	if (h == NULL || h[0] == '*' || strlen(h) >= PASS_HASH_SIZE)
		log_error("pass", "crypt_r failed");
	else {
		memcpy(out, h, strlen(h) + 1);
		rc = 0;
	}
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return rc;
}

static const char b64[] = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

const char *
pass_verify_target(const char *hash)
{
	int cost;

	/* $2a$/$2b$/$2y$, a two-digit cost bcrypt accepts, 22 salt + 31 hash characters. */
	if (hash == NULL || strlen(hash) != 60 || strncmp(hash, "$2", 2) != 0 ||
	    strchr("aby", hash[2]) == NULL || hash[3] != '$' || !isdigit((unsigned char)hash[4]) ||
	    !isdigit((unsigned char)hash[5]) || hash[6] != '$' || strspn(hash + 7, b64) != 53)
		return dummy_hash;
	cost = (hash[4] - '0') * 10 + (hash[5] - '0');
	return cost >= 4 && cost <= 31 ? hash : dummy_hash;
}

bool
pass_is_dummy(const char *target)
{
	return target == dummy_hash;
}

bool
pass_verify(const char *pw, const char *hash)
{
	const char *target = pass_verify_target(hash), *h;
	struct crypt_data *cd;
	bool ok = false;

	log_debug(
	    "pass", "bcrypt check against the %s hash", pass_is_dummy(target) ? "dummy" : "stored");
	if ((cd = calloc(1, sizeof(*cd))) == NULL) {
		log_error("pass", "calloc: out of memory");
		return false;
	}
	/* Runs even when the answer is already no: the time must not tell why. */
	h = crypt_r(pw, target, cd);
	if (h != NULL && h[0] != '*' && strlen(h) == 60 && !pass_is_dummy(target) &&
	    strlen(pw) <= PASS_MAX)
		ok = crypto_equal(h, target, 60);
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return ok;
}

void
pass_dummy_verify(const char *pw)
{
	(void)pass_verify(pw, NULL);
}

const char *
pass_policy_error(const char *pw)
{
	bool up = false, low = false, dig = false, spec = false;
	size_t chars = 0;

	if (strlen(pw) > PASS_MAX)
		return "Hasło może mieć najwyżej 72 bajty";
	for (const unsigned char *p = (const unsigned char *)pw; *p != '\0'; p++) {
		/* Count code points, not bytes: "ąęł" are one character each. */
		if ((*p & 0xc0) != 0x80)
			chars++;
		if (isupper(*p))
			up = true;
		else if (islower(*p))
			low = true;
		else if (isdigit(*p))
			dig = true;
		else
			spec = true;
	}
	if (chars < 12)
		return "Hasło musi mieć co najmniej 12 znaków";
	if (!up || !low || !dig || !spec)
		return "Hasło musi zawierać wielką i małą literę, cyfrę oraz znak specjalny";
	return NULL;
}
