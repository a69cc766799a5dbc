#include "config.h"
#include "id.h"

#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"

static const char base36[] = "0123456789abcdefghijklmnopqrstuvwxyz";

/* Writes v as exactly n base-36 digits (most significant first, truncated). */
static void
put36(char *out, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		out[i] = base36[v % 36];
		v /= 36;
	}
}

int
id_new(char out[ID_SIZE])
{
	static uint32_t counter;
	unsigned char rnd[8];
	struct timespec ts;
	uint64_t ms, r = 0;

	if (crypto_random(rnd, sizeof(rnd)) == -1)
		return -1;
	for (size_t i = 0; i < sizeof(rnd); i++)
		r = r << 8 | rnd[i];
	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	out[0] = 'c';
	put36(out + 1, ms, 8);
	put36(out + 9, counter++ % (36u * 36 * 36 * 36), 4);
	put36(out + 13, (uint64_t)getpid(), 4);
	put36(out + 17, r, 8);
	out[ID_LEN] = '\0';
	return 0;
}

bool
id_is_cuid(const char *s)
{
	size_t n = 0;

	if (s == NULL || (s[0] != 'c' && s[0] != 'C'))
		return false;
	for (const char *p = s + 1; *p != '\0'; p++, n++)
		if (*p == '-' || *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
		    *p == '\v' || *p == '\f')
			return false;
	return n >= 8;
}
