// Forgotten password (/reset-password, frontend.md §6.2, FR-5, SR-10): the
// user gives an e-mail; the API answers 204 whether or not the account
// exists and mails a set-password link, so the page always shows the same
// confirmation.
import { html, useEffect, useRef, useState } from '../lib.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { Link } from '../router.js';
import { AuthCard } from '../components/auth-card.js';
import { Field, FormAlert, SubmitButton, useSubmit } from '../components/form.js';
import { SuccessBanner } from '../components/states.js';

export default function ForgotPasswordScreen() {
	const [email, setEmail] = useState('');
	const [sent, setSent] = useState(false);
	const emailRef = useRef(null);

	const form = useSubmit(async () => {
		await api.post('/api/auth/reset-password', { email: email.trim() }, { auth: false });
		setSent(true);
	}, {
		validate: () => (email.trim() ? {} : { email: t('common.required') }),
	});

	useEffect(() => {
		if (emailRef.current) emailRef.current.focus();
	}, []);

	return html`<${AuthCard} title=${t('forgotPassword.title')} subtitle=${t('forgotPassword.subtitle')}>
		${sent
			? html`<${SuccessBanner} message=${t('forgotPassword.sent')} />`
			: html`<form class="form" onSubmit=${form.onSubmit} novalidate>
				<${FormAlert} message=${form.error} />
				<${Field} label=${t('forgotPassword.email')} name="email" type="email" autocomplete="email"
					inputRef=${emailRef} required value=${email} error=${form.fieldErrors.email}
					onInput=${(e) => setEmail(e.currentTarget.value)} />
				<${SubmitButton} className="btn--block" busy=${form.busy} busyLabel=${t('forgotPassword.submitting')}>${t('forgotPassword.submit')}</${SubmitButton}>
			</form>`}
		<p class="auth__links"><${Link} href="/login">${t('forgotPassword.back')}</${Link}></p>
	</${AuthCard}>`;
}
