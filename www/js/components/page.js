// The header card at the top of every shell screen: title (the page's h1),
// optional subtitle and actions (filters, buttons) on the right.
import { html } from '../lib.js';

export function PageHeader({ title, subtitle, children }) {
	return html`<header class="page-header card">
		<div class="page-header__text">
			<h1 class="page-header__title">${title}</h1>
			${subtitle && html`<p class="page-header__subtitle">${subtitle}</p>`}
		</div>
		${children && html`<div class="page-header__actions">${children}</div>`}
	</header>`;
}
