// The double opt-in page of the web-to-lead form (issue 14): /potwierdz#<token>,
// the link of the confirmation e-mail. The token sits in the fragment (never
// sent to a server by a mere visit) and is posted only when the person presses
// the button, so a mail scanner that follows the link confirms nothing.

const main = document.getElementById('webform');
const token = window.location.hash.replace(/^#/, '');

function el(tag, attrs = {}, text = '') {
	const node = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
	if (text) node.textContent = text;
	return node;
}

function show(...nodes) {
	main.replaceChildren(...nodes);
}

const MESSAGES = {
	404: 'Ten link jest nieprawidłowy.',
	409: 'To zgłoszenie zostało już potwierdzone. Dziękujemy!',
	410: 'Ten link wygasł. Wyślij formularz ponownie.',
	429: 'Zbyt wiele prób. Spróbuj ponownie za kilka minut.',
};

async function confirm(button) {
	button.disabled = true;
	button.textContent = 'Potwierdzanie…';
	try {
		const res = await fetch('/api/web-leads/confirm', {
			method: 'POST', credentials: 'omit',
			headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
			body: JSON.stringify({ token }),
		});
		if (res.ok) {
			show(el('h1', {}, 'Dziękujemy!'),
				el('p', { class: 'wf-done', role: 'status', 'data-testid': 'confirm-done' }, 'Adres e-mail i wyrażone zgody zostały potwierdzone. Skontaktujemy się z Tobą wkrótce.'));
			return;
		}
		show(el('h1', {}, 'Potwierdzenie zgłoszenia'),
			el('p', { class: res.status === 409 ? 'wf-done' : 'wf-alert', role: 'alert', 'data-testid': 'confirm-error' },
				MESSAGES[res.status] || 'Nie udało się potwierdzić zgłoszenia. Spróbuj ponownie później.'));
	} catch {
		button.disabled = false;
		button.textContent = 'Potwierdzam';
		show(el('p', { class: 'wf-alert', role: 'alert' }, 'Brak połączenia. Spróbuj ponownie.'), button);
	}
}

if (!/^[0-9a-f]{64}$/.test(token)) {
	show(el('h1', {}, 'Potwierdzenie zgłoszenia'), el('p', { class: 'wf-alert', role: 'alert' }, 'Ten link jest nieprawidłowy.'));
} else {
	const button = el('button', { type: 'button', class: 'wf-btn' }, 'Potwierdzam');
	button.addEventListener('click', () => confirm(button));
	show(el('h1', {}, 'Potwierdzenie zgłoszenia'),
		el('p', { class: 'wf-note' }, 'Naciśnij przycisk, aby potwierdzić swój adres e-mail i zgody wyrażone w formularzu.'),
		button);
}
