// Form building blocks: a labelled field whose error text comes from the
// API's validation issues by path, the form-level error box, a submit button
// with a progress label, and useSubmit(), which runs a form's request and
// turns an ApiError into a message and per-field errors.
//
//   const form = useSubmit(async () => { await api.post(...); });
//   <form onSubmit=${form.onSubmit} novalidate>
//     <${FormAlert} message=${form.error} />
//     <${Field} label=${t('x.email')} name="email" type="email" value=${email}
//       onInput=${(e) => setEmail(e.currentTarget.value)} error=${form.fieldErrors.email} />
//     <${SubmitButton} busy=${form.busy} busyLabel=${t('x.sending')}>${t('x.send')}</${SubmitButton}>
//   </form>
import { html, useCallback, useRef, useState } from '../lib.js';
import { useUniqueId } from '../hooks.js';
import { ApiError } from '../api.js';
import { issueMessage, t } from '../i18n.js';

/** { 'customer.firstName': 'Polish message', … }: first issue per path. */
export function issuesByPath(issues) {
	const errors = {};
	for (const issue of issues || []) {
		const key = Array.isArray(issue.path) ? issue.path.join('.') : String(issue.path || '');
		if (!(key in errors)) errors[key] = issueMessage(issue);
	}
	return errors;
}

/**
 * Runs `action` on submit. `validate` (optional) returns client-side field
 * errors ({ name: message }); a non-empty result stops the submit.
 * Returns { busy, error, fieldErrors, onSubmit, setError, setFieldErrors }.
 * `error` is the form-level message (null when the issues say it all).
 */
export function useSubmit(action, { validate } = {}) {
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const [fieldErrors, setFieldErrors] = useState({});
	const running = useRef(false);

	const onSubmit = useCallback(async (event) => {
		if (event) event.preventDefault();
		if (running.current) return;
		const clientErrors = validate ? validate() : {};
		setError(null);
		setFieldErrors(clientErrors);
		if (Object.keys(clientErrors).length > 0) {
			focusFirstInvalid(event);
			return;
		}
		running.current = true;
		setBusy(true);
		try {
			await action();
		} catch (err) {
			if (err instanceof ApiError) {
				const byPath = issuesByPath(err.issues);
				setFieldErrors(byPath);
				setError(err.message);
				if (Object.keys(byPath).length > 0) focusFirstInvalid(event);
			} else {
				setError(t('errors.unexpected'));
			}
		} finally {
			running.current = false;
			setBusy(false);
		}
	}, [action, validate]);

	return { busy, error, fieldErrors, onSubmit, setError, setFieldErrors };
}

function focusFirstInvalid(event) {
	const form = event && event.currentTarget;
	if (!form || !form.querySelector) return;
	// After the re-render that marks the fields.
	setTimeout(() => {
		const el = form.querySelector('[aria-invalid="true"]');
		if (el) el.focus();
	}, 0);
}

/**
 * A labelled control: input (default), select or textarea (`as`). Extra
 * props go to the control. `error` marks it invalid and is read with it;
 * `hint` and the elements named by `describedBy` (ids) are read too.
 */
export function Field({ label, name, as = 'input', error, hint, describedBy: extraIds, required = false, className = '', children, inputRef, ...control }) {
	const id = useUniqueId('field');
	const hintId = hint ? id + '-hint' : null;
	const errorId = error ? id + '-error' : null;
	const describedBy = [hintId, extraIds, errorId].filter(Boolean).join(' ') || undefined;
	const Control = as;
	return html`<div class=${'field ' + (error ? 'field--invalid ' : '') + className}>
		<div class="field__label-row">
			<label class="field__label" for=${id}>${label}</label>
			${required && html`<span class="field__required" aria-hidden="true">*</span>`}
		</div>
		<${Control} id=${id} name=${name} class=${'field__control field__control--' + as}
			ref=${inputRef}
			aria-invalid=${error ? 'true' : undefined}
			aria-required=${required ? 'true' : undefined}
			aria-describedby=${describedBy} ...${control}>${children}</${Control}>
		${hint && html`<p id=${hintId} class="field__hint">${hint}</p>`}
		${error && html`<p id=${errorId} class="field__error">${error}</p>`}
	</div>`;
}

/** The form-level error box; announced when it appears. */
export function FormAlert({ message }) {
	if (!message) return null;
	return html`<div class="alert alert--error" role="alert">${message}</div>`;
}

/** A button that shows `busyLabel` and is disabled while `busy`. */
export function SubmitButton({ busy = false, busyLabel, kind = 'primary', className = '', children, ...rest }) {
	return html`<button type="submit" class=${'btn btn--' + kind + ' ' + className}
		disabled=${busy} aria-busy=${busy ? 'true' : undefined} ...${rest}>${busy && busyLabel ? busyLabel : children}</button>`;
}

/** A checkbox with its label after it (label = accessible name). */
export function Checkbox({ label, name, checked, onChange, error, hint, required = false, className = '', ...rest }) {
	const id = useUniqueId('check');
	const errorId = error ? id + '-error' : null;
	const hintId = hint ? id + '-hint' : null;
	const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
	return html`<div class=${'check ' + (error ? 'check--invalid ' : '') + className}>
		<input id=${id} type="checkbox" name=${name} class="check__input" checked=${checked}
			aria-invalid=${error ? 'true' : undefined} aria-required=${required ? 'true' : undefined}
			aria-describedby=${describedBy} onChange=${onChange} ...${rest} />
		<label class="check__label" for=${id}>${label}${required && html`<span class="field__required" aria-hidden="true"> *</span>`}</label>
		${hint && html`<p id=${hintId} class="field__hint">${hint}</p>`}
		${error && html`<p id=${errorId} class="field__error">${error}</p>`}
	</div>`;
}

/** Select options from values: [{ value, label }] or plain strings. */
export function Options({ items, placeholder }) {
	return html`${placeholder != null && html`<option value="">${placeholder}</option>`}
		${items.map((item) => (typeof item === 'string'
			? html`<option key=${item} value=${item}>${item}</option>`
			: html`<option key=${item.value} value=${item.value} disabled=${item.disabled}>${item.label}</option>`))}`;
}
