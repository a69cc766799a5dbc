// Login (/login, frontend.md §6.1, FR-1). On success the session changes and
// the router's guest guard sends the user to ?next= (if it is a safe
// same-origin path, SR-3) or to the workspace. ?reason=expired shows the
// session-expired notice.
import { html, useEffect, useRef, useState } from '../lib.js';
import { t } from '../i18n.js';
import { login } from '../session.js';
import { Link } from '../router.js';
import { AuthCard } from '../components/auth-card.js';
import { Field, FormAlert, SubmitButton, useSubmit } from '../components/form.js';
import { InfoBanner } from '../components/states.js';

export default function LoginScreen({ location }) {
	const [email, setEmail] = useState('');
	const [password, setPassword] = useState('');
	const emailRef = useRef(null);
	const expired = location.query.get('reason') === 'expired';

	const form = useSubmit(() => login(email.trim(), password), {
		validate: () => {
			const errors = {};
			if (!email.trim()) errors.email = t('common.required');
			if (!password) errors.password = t('common.required');
			return errors;
		},
	});

	useEffect(() => {
		if (emailRef.current) emailRef.current.focus();
	}, []);

	return html`<${AuthCard} title=${t('login.title')} subtitle=${t('login.subtitle')}>
		${expired && !form.error && html`<${InfoBanner} message=${t('login.expired')} />`}
		<form class="form" onSubmit=${form.onSubmit} novalidate>
			<${FormAlert} message=${form.error} />
			<${Field} label=${t('login.email')} name="email" type="email" autocomplete="username"
				inputRef=${emailRef} required value=${email} error=${form.fieldErrors.email}
				onInput=${(e) => setEmail(e.currentTarget.value)} />
			<${Field} label=${t('login.password')} name="password" type="password" autocomplete="current-password"
				required value=${password} error=${form.fieldErrors.password}
				onInput=${(e) => setPassword(e.currentTarget.value)} />
			<${SubmitButton} className="btn--block" busy=${form.busy} busyLabel=${t('login.submitting')}>${t('login.submit')}</${SubmitButton}>
		</form>
		<p class="auth__links"><${Link} href="/reset-password">${t('login.forgot')}</${Link}></p>
	</${AuthCard}>`;
}
