// The response-time (SLA) badge of a lead (issue 13, docs/sla.md): a live
// countdown to the open deadline ("sla.dueAt" of the lead detail, list item and
// board card), red once a deadline is breached, green once all were kept.
// One shared ticker drives every badge on the page (a board shows hundreds).
import { html, useEffect, useState } from '../lib.js';
import { t, formatDateTime } from '../i18n.js';

const listeners = new Set();
let ticker = null;

function subscribe(fn) {
	listeners.add(fn);
	if (ticker == null) ticker = setInterval(() => listeners.forEach((l) => l(Date.now())), 1000);
	return () => {
		listeners.delete(fn);
		if (listeners.size === 0 && ticker != null) {
			clearInterval(ticker);
			ticker = null;
		}
	};
}

/** The current time, refreshed every second while the component is mounted. */
function useNow() {
	const [now, setNow] = useState(Date.now());
	useEffect(() => subscribe(setNow), []);
	return now;
}

/** "1 d 2 h", "1 h 05 min", "12 min", "45 s" for a span of ms (absolute). */
export function slaSpan(ms) {
	const s = Math.floor(Math.abs(ms) / 1000);
	const d = Math.floor(s / 86400);
	const h = Math.floor((s % 86400) / 3600);
	const m = Math.floor((s % 3600) / 60);
	if (d > 0) return t('sla.spanDays', { d, h });
	if (h > 0) return t('sla.spanHours', { h, m: String(m).padStart(2, '0') });
	if (m > 0) return t('sla.spanMinutes', { m });
	return t('sla.spanSeconds', { s });
}

/** Badge of sla (null: nothing).  compact: the board card's short form. */
export function SlaBadge({ sla, compact = false }) {
	const now = useNow();
	if (!sla || (!sla.dueAt && !sla.breached && !sla.met)) return null;
	const due = sla.dueAt ? Date.parse(sla.dueAt) : null;
	const left = due != null ? due - now : null;
	const breached = sla.breached || (left != null && left < 0);
	const kind = sla.kind === 'FOLLOW_UP' ? t('sla.followUp') : t('sla.firstContact');
	let text;
	let tone;
	if (due == null) {
		text = breached ? t('sla.breachedDone') : t('sla.met');
		tone = breached ? 'danger' : 'success';
	} else if (left < 0) {
		text = t('sla.overdue', { span: slaSpan(left) });
		tone = 'danger';
	} else {
		text = t('sla.left', { span: slaSpan(left) });
		tone = breached ? 'danger' : left < 15 * 60 * 1000 ? 'warning' : 'info';
	}
	const title = due != null ? t('sla.title', { kind, due: formatDateTime(sla.dueAt) }) : text;
	return html`<span class=${'badge badge--' + tone + ' sla-badge' + (compact ? ' sla-badge--compact' : '')}
		data-sla=${breached ? 'breached' : due == null ? 'met' : 'open'} title=${title}
		aria-label=${title + ' — ' + text}>${compact ? text : kind + ': ' + text}</span>`;
}
