/*
 * pass: bcrypt password hashes ($2b$, cost 12) through libcrypt's crypt_r,
 * compatible with the reference's hashes, and the password policy (SR-11).
 */
#ifndef IZZY_PASS_H
#define IZZY_PASS_H

#include <stdbool.h>

#define PASS_HASH_SIZE 128
#define PASS_COST      12
/* bcrypt reads at most 72 bytes; longer input is refused, not truncated. */
#define PASS_MAX 72

/* Hashes pw into out; -1 (logged) on failure. */
int pass_hash(char out[PASS_HASH_SIZE], const char *pw);
/* True when pw matches hash; constant-time compare.  Malformed hash: false. */
bool pass_verify(const char *pw, const char *hash);
/* Burns the same time as a verify; used for unknown accounts (no enumeration). */
void pass_dummy_verify(const char *pw);
/*
 * SR-11: at least 12 characters with upper case, lower case, a digit and a
 * special character, and at most PASS_MAX bytes.  NULL when acceptable,
 * otherwise a Polish message for the user.
 */
const char *pass_policy_error(const char *pw);

#endif
