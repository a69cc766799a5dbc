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

bool
pass_verify(const char *pw, const char *hash)
{
	struct crypt_data *cd;
	const char *h;
	bool ok = false;
	size_t n = strlen(hash);

	if (strlen(pw) > PASS_MAX || n < 7 || hash[0] != '$' || hash[1] != '2')
		return false;
	if ((cd = calloc(1, sizeof(*cd))) == NULL) {
		log_error("pass", "calloc: out of memory");
		return false;
	}
	h = crypt_r(pw, hash, cd);
	if (h != NULL && h[0] != '*' && strlen(h) == n)
		ok = crypto_equal(h, hash, n);
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return ok;
}

void
pass_dummy_verify(const char *pw)
{
	(void)pass_verify(pw, dummy_hash);
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
