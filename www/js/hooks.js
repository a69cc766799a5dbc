// Small hooks shared by components and screens.
import { useCallback, useEffect, useRef, useState } from './lib.js';

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

/**
 * Runs `load(signal)` now and whenever `deps` change or reload() is called;
 * returns { data, error, loading, reload }. The previous data stays while a
 * reload runs (tables show their loading row on `loading`); a superseded
 * request is aborted and its answer ignored.
 */
export function useAsync(load, deps) {
	const [state, setState] = useState({ data: null, error: null, loading: true });
	const [tick, setTick] = useState(0);
	useEffect(() => {
		const controller = new AbortController();
		let live = true;
		setState((s) => ({ data: s.data, error: null, loading: true }));
		Promise.resolve()
			.then(() => load(controller.signal))
			.then((data) => {
				if (live) setState({ data, error: null, loading: false });
			}, (error) => {
				if (!live || (error && error.name === 'AbortError')) return;
				setState((s) => ({ data: s.data, error, loading: false }));
			});
		return () => {
			live = false;
			controller.abort();
		};
	}, [...deps, tick]);
	const reload = useCallback(() => setTick((n) => n + 1), []);
	return { ...state, reload };
}
