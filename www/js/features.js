// Feature flags: which optional features the server has switched on
// (IZZY_FEATURES, docs/operations.md "Feature flags"). Loaded with the session
// from GET /api/auth/features; a feature the answer does not name, or every
// feature before the answer (or when it fails), counts as on — the server
// still answers 404 for one that is off. Route rows name theirs in `feature`.
import { api } from './api.js';

let flags = {};

export const features = {
	/** False only when the server said the feature is off; no name: true. */
	on(name) {
		return !name || flags[name] !== false;
	},
};

/** Reads the flags for the logged-in user; keeps the old ones on failure. */
export async function loadFeatures() {
	try {
		const body = await api.get('/api/auth/features', { auth: false });
		flags = body && typeof body.features === 'object' && body.features ? body.features : {};
	} catch {
		// keep what we had: the server is the judge anyway
	}
	return flags;
}
