// Lead workspace (/leads, /leads/:id). For now only its frame and the empty
// state; the lead list, detail and create screens replace this module.
import { html } from '../lib.js';
import { t } from '../i18n.js';
import { PageHeader } from '../components/page.js';
import { EmptyState } from '../components/states.js';

export default function LeadsScreen() {
	return html`<${PageHeader} title=${t('leads.title')} />
		<section class="card">
			<${EmptyState} text=${t('leads.empty')} />
		</section>`;
}
