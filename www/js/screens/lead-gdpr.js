// Lead detail, ADMIN only: the data subject's export (Art. 15 RODO, FR-40)
// and the retention whitelist (FR-39).
//
// The export is a plain link to GET /api/leads/:id/data-export: the session
// cookie goes with it and the server answers with an attachment, so the
// browser downloads the file (printable HTML, or JSON) itself; each download
// is audited by the server as data_exported.
// The whitelist: GET/PUT /api/leads/:id/retention ({retentionExempt}).
import { html, useState } from '../lib.js';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { useAsync } from '../hooks.js';
import { Checkbox } from '../components/form.js';
import { Section } from '../components/section.js';
import { toast } from '../components/toast.js';

export function GdprSection({ lead }) {
	const base = `/api/leads/${encodeURIComponent(lead.id)}`;
	const retention = useAsync((signal) => api.get(`${base}/retention`, { signal }), [lead.id]);
	const [busy, setBusy] = useState(false);
	// The box follows the click at once; the server's answer confirms or reverts it.
	const [chosen, setChosen] = useState(null);
	const state = retention.data;

	async function toggle(e) {
		const exempt = e.currentTarget.checked;
		setChosen(exempt);
		setBusy(true);
		try {
			const saved = await api.put(`${base}/retention`, { retentionExempt: exempt });
			setChosen(saved.retentionExempt);
			toast(t(exempt ? 'lead.gdpr.exemptOn' : 'lead.gdpr.exemptOff'), 'success');
		} catch (err) {
			setChosen(!exempt);
			toast(err.message || t('lead.gdpr.exemptFailed'), 'error');
		} finally {
			setBusy(false);
		}
	}

	return html`<${Section} title=${t('lead.gdpr.title')}>
		<p class="muted">${t('lead.gdpr.exportHint')}</p>
		<div class="toolbar">
			<a class="btn btn--primary" href=${`${base}/data-export?format=html`} download
				data-testid="data-export">${t('lead.gdpr.export')}</a>
			<a class="btn btn--ghost" href=${`${base}/data-export?format=json`} download>${t('lead.gdpr.exportJson')}</a>
		</div>
		${state && html`<${Checkbox} name="retentionExempt" label=${t('lead.gdpr.exempt')}
			hint=${state.retentionNoticeAt
				? t('lead.gdpr.noticed', { date: formatDateTime(state.retentionNoticeAt) })
				: t('lead.gdpr.exemptHint')}
			checked=${chosen ?? state.retentionExempt} disabled=${busy || Boolean(lead.anonymizedAt)} onChange=${toggle} />`}
	</${Section}>`;
}
