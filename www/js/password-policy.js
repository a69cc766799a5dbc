// The password policy of SR-11: at least 12 characters with an upper-case
// letter, a lower-case letter, a digit and a special character (anything that
// is not an ASCII letter or digit). The server enforces it; the UI shows the
// rules and checks them as the user types. Labels: setPassword.policy.<key>.
export const PASSWORD_MIN_LENGTH = 12;

export const PASSWORD_RULES = Object.freeze([
	{ key: 'length', test: (pw) => Array.from(pw).length >= PASSWORD_MIN_LENGTH },
	{ key: 'upper', test: (pw) => /[A-Z]/.test(pw) },
	{ key: 'lower', test: (pw) => /[a-z]/.test(pw) },
	{ key: 'digit', test: (pw) => /[0-9]/.test(pw) },
	{ key: 'special', test: (pw) => /[^A-Za-z0-9]/.test(pw) },
]);

/** True when the password meets every rule. */
export function meetsPolicy(password) {
	return PASSWORD_RULES.every((rule) => rule.test(password));
}
