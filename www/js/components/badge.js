// Status badges: the label and colour of a lead, form or onboarding status
// come from the catalogue (i18n.statusInfo), so every screen shows a status
// the same way.
import { html } from '../lib.js';
import { statusInfo } from '../i18n.js';

/** <${StatusBadge} set="lead" value=${lead.status} /> */
export function StatusBadge({ set = 'lead', value }) {
	if (value == null || value === '') return null;
	const { label, tone } = statusInfo(set, value);
	return html`<span class=${'badge badge--' + tone}>${label}</span>`;
}

/** A neutral pill for raw values (role, partner status). */
export function Pill({ children, tone = 'neutral' }) {
	return html`<span class=${'pill pill--' + tone}>${children}</span>`;
}
