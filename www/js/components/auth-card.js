// The centred card of the pages shown without the app shell (login, password
// reset, set password): product name, the page's h1 and subtitle, content.
import { html } from '../lib.js';
import { t } from '../i18n.js';

export function AuthCard({ title, subtitle, children }) {
	return html`<main class="auth" id="main">
		<div class="auth__card card">
			<div class="auth__brand">
				<img src="/logo.svg" alt="" width="40" height="40" />
				<span>${t('app.name')}</span>
			</div>
			<h1 class="auth__title">${title}</h1>
			${subtitle && html`<p class="auth__subtitle">${subtitle}</p>`}
			${children}
		</div>
	</main>`;
}
