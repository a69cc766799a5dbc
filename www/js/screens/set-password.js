// Set a new password (/set-password?token=…) from the link mailed for a
// password reset or an invitation (SR-10, SR-11): new password twice, the
// policy shown and checked while typing, POST /api/auth/set-password
// { token, password }; on success the login page with a toast.
import { html, useEffect, useRef, useState } from '../lib.js';
import { useUniqueId } from '../hooks.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { Link, navigate } from '../router.js';
import { PASSWORD_RULES, meetsPolicy } from '../password-policy.js';
import { AuthCard } from '../components/auth-card.js';
import { Field, FormAlert, SubmitButton, useSubmit } from '../components/form.js';
import { ErrorBanner } from '../components/states.js';
import { Icon } from '../components/icons.js';
import { toast } from '../components/toast.js';

function PolicyList({ password, id }) {
	return html`<div class="policy" id=${id}>
		<p class="policy__title">${t('setPassword.policyTitle')}</p>
		<ul class="policy__list">
			${PASSWORD_RULES.map((rule) => {
				const met = rule.test(password);
				return html`<li key=${rule.key} class=${'policy__rule' + (met ? ' policy__rule--met' : '')}>
					<${Icon} name=${met ? 'check' : 'chevron'} size=${16} />
					<span>${t('setPassword.policy.' + rule.key)}</span>
					<span class="visually-hidden"> (${met ? t('setPassword.policyMet') : t('setPassword.policyUnmet')})</span>
				</li>`;
			})}
		</ul>
	</div>`;
}

function InvalidLink({ message }) {
	return html`<${ErrorBanner} message=${message} />
		<p class="auth__links">
			<${Link} href="/reset-password">${t('setPassword.requestNew')}</${Link}>
			<span aria-hidden="true"> · </span>
			<${Link} href="/login">${t('setPassword.back')}</${Link}>
		</p>`;
}

export default function SetPasswordScreen({ location }) {
	const token = location.query.get('token') || '';
	const [password, setPassword] = useState('');
	const [repeat, setRepeat] = useState('');
	const [tokenRejected, setTokenRejected] = useState(false);
	const passwordRef = useRef(null);
	const policyId = useUniqueId('password-policy');

	const form = useSubmit(async () => {
		try {
			await api.post('/api/auth/set-password', { token, password }, { auth: false });
		} catch (err) {
			if (err.code === 'INVALID_TOKEN') setTokenRejected(true);
			throw err;
		}
		navigate('/login', { replace: true });
		toast(t('setPassword.success'), 'success');
	}, {
		validate: () => {
			const errors = {};
			if (!password) errors.password = t('common.required');
			else if (!meetsPolicy(password)) errors.password = t('setPassword.policyError');
			if (!repeat) errors.repeat = t('common.required');
			else if (password && repeat !== password) errors.repeat = t('setPassword.mismatch');
			return errors;
		},
	});

	useEffect(() => {
		if (passwordRef.current) passwordRef.current.focus();
	}, []);

	if (!token) {
		return html`<${AuthCard} title=${t('setPassword.title')}>
			<${InvalidLink} message=${t('setPassword.missingToken')} />
		</${AuthCard}>`;
	}
	if (tokenRejected) {
		return html`<${AuthCard} title=${t('setPassword.title')}>
			<${InvalidLink} message=${t('setPassword.invalidToken')} />
		</${AuthCard}>`;
	}

	return html`<${AuthCard} title=${t('setPassword.title')} subtitle=${t('setPassword.subtitle')}>
		<form class="form" onSubmit=${form.onSubmit} novalidate>
			<${FormAlert} message=${form.error} />
			<${Field} label=${t('setPassword.password')} name="password" type="password" autocomplete="new-password"
				inputRef=${passwordRef} required value=${password} error=${form.fieldErrors.password}
				describedBy=${policyId}
				onInput=${(e) => setPassword(e.currentTarget.value)} />
			<${PolicyList} password=${password} id=${policyId} />
			<${Field} label=${t('setPassword.repeat')} name="repeat" type="password" autocomplete="new-password"
				required value=${repeat} error=${form.fieldErrors.repeat}
				onInput=${(e) => setRepeat(e.currentTarget.value)} />
			<${SubmitButton} className="btn--block" busy=${form.busy} busyLabel=${t('setPassword.submitting')}>${t('setPassword.submit')}</${SubmitButton}>
		</form>
		<p class="auth__links"><${Link} href="/login">${t('setPassword.back')}</${Link}></p>
	</${AuthCard}>`;
}
