// Building blocks of detail views: a titled section with optional actions
// on the right, and a definition-list grid of label/value pairs (labels
// small and grey, values below; "—" for empty values).
//
//   <${Section} title=${t('lead.customer.title')} actions=${button}>
//     <${InfoGrid} items=${[[t('lead.customer.city'), city], …]} />
//   </${Section}>
import { html } from '../lib.js';
import { t } from '../i18n.js';
import { useUniqueId } from '../hooks.js';

export function Section({ title, count, actions, className = '', children }) {
	const id = useUniqueId('section');
	return html`<section class=${'section ' + className} aria-labelledby=${id}>
		<header class="section__header">
			<h3 id=${id} class="section__title">${title}${count != null && html` <span class="section__count">(${count})</span>`}</h3>
			${actions && html`<div class="section__actions">${actions}</div>`}
		</header>
		${children}
	</section>`;
}

function isEmpty(value) {
	return value == null || value === '' || (Array.isArray(value) && value.length === 0);
}

/** items: [[label, value, wide?], …]; a value may be markup; wide spans two columns. */
export function InfoGrid({ items }) {
	return html`<dl class="info-grid">
		${items.map(([label, value, wide]) => html`<div class=${'info-grid__item' + (wide ? ' info-grid__item--wide' : '')} key=${label}>
			<dt class="info-grid__label">${label}</dt>
			<dd class="info-grid__value">${isEmpty(value) ? t('common.emptyValue') : value}</dd>
		</div>`)}
	</dl>`;
}
