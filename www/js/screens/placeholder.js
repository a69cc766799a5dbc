// The page of a module that is not built yet: its title and a notice.
import { html } from '../lib.js';
import { t } from '../i18n.js';
import { PageHeader } from '../components/page.js';
import { EmptyState } from '../components/states.js';

export default function PlaceholderScreen({ route }) {
	return html`<${PageHeader} title=${t(route.title)} />
		<section class="card">
			<${EmptyState} text=${t('placeholder.text')} />
		</section>`;
}
