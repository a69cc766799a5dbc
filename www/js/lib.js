// The one place that names the vendored libraries (copied into /vendor by
// scripts/vendor.sh). Every other module imports Preact, its hooks and htm
// from here.
//
// Why no import map: an import map must be an inline <script type="importmap">
// (browsers do not load one from a src URL), and inline script is blocked by
// the CSP `script-src 'self'` unless its hash is added to the policy. A
// re-export module keeps the CSP free of hashes, so editing the page never
// means editing the nginx policy.
import { h } from '../vendor/preact/preact.js';
import htm from '../vendor/htm/htm.js';

export { h, render, Fragment, createContext, createPortal, createRef } from '../vendor/preact/preact.js';
export {
	useState, useEffect, useLayoutEffect, useRef, useMemo, useCallback,
	useContext, useReducer,
} from '../vendor/preact/hooks.js';

/** Tagged template for Preact elements: html`<p class="x">${value}</p>`. */
export const html = htm.bind(h);
