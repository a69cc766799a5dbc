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
/*
 * True when pw matches hash; constant-time compare.  Every call runs exactly
 * one cost-PASS_COST bcrypt computation, whatever the hash: a NULL, unusable
 * ("!invited") or malformed hash, or a password over PASS_MAX bytes, is
 * checked against a dummy hash and gives false, so an unknown e-mail, an
 * invited account and a wrong password take the same time (no enumeration).
 * Logs at debug level which hash it ran (tests count these lines).
 */
bool pass_verify(const char *pw, const char *hash);
/* The hash pass_verify runs bcrypt against: hash itself when it is a
 * well-formed bcrypt hash, else the built-in dummy of cost PASS_COST. */
const char *pass_verify_target(const char *hash);
/* True when pass_verify_target(hash) is the dummy. */
bool pass_is_dummy(const char *target);
/* pass_verify against nothing: the same time, always false. */
void pass_dummy_verify(const char *pw);
/*
 * SR-11: at least 12 characters with upper case, lower case, a digit and a
 * special character, and at most PASS_MAX bytes.  NULL when acceptable,
 * otherwise a Polish message for the user.
 */
const char *pass_policy_error(const char *pw);

#endif
