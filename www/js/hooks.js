// Small hooks shared by components and screens.
import { useEffect, useRef, useState } from './lib.js';

let lastId = 0;

/**
 * An id unique in the document, stable for the component's life. (Preact's
 * useId counts per render root, so two roots — e.g. a dialog rendered
 * elsewhere — could repeat ids.)
 */
export function useUniqueId(prefix = 'izzy') {
	const id = useRef(null);
	if (id.current === null) {
		lastId += 1;
		id.current = `${prefix}-${lastId}`;
	}
	return id.current;
}

/**
 * `value`, but only once it stayed unchanged for `delayMs` (frontend.md
 * §4.7: 300 ms for searches, 3000 ms for the form autosave).
 */
export function useDebouncedValue(value, delayMs) {
	const [settled, setSettled] = useState(value);
	useEffect(() => {
		const timer = setTimeout(() => setSettled(value), delayMs);
		return () => clearTimeout(timer);
	}, [value, delayMs]);
	return settled;
}
