// Data table (frontend.md §4.5): a caption, column headers, one full-width
// row with a centred text while loading or when empty, horizontal scrolling
// inside its card, and optional clickable rows (mouse and keyboard).
//
//   <${DataTable} caption=${t('users.title')} rowKey="id" rows=${users}
//     loading=${loading} loadingText=${t('users.loading')} emptyText=${t('users.empty')}
//     onRowClick=${(user) => open(user)} selectedKey=${selectedId}
//     captionHidden   (the caption only for screen readers)
//     column.nowrap   (the cells of that column do not wrap: dates, buttons)
//     columns=${[{ key: 'email', label: t('users.email') },
//                { key: 'role', label: t('users.role'), render: (u) => roleLabel(u.role) }]} />
import { html } from '../lib.js';
import { t } from '../i18n.js';

function cellClass(column) {
	return [column.align ? 'align-' + column.align : '', column.nowrap ? 'nowrap' : ''].join(' ').trim();
}

function cell(column, row) {
	if (column.render) return column.render(row);
	const value = row[column.key];
	return value == null || value === '' ? t('common.emptyValue') : value;
}

export function DataTable({
	columns, rows = [], rowKey = 'id', caption, captionHidden = false, loading = false,
	loadingText = t('table.loading'), emptyText = t('table.empty'),
	onRowClick, selectedKey,
}) {
	let body;
	if (loading) {
		body = html`<tr><td class="table__message" colspan=${columns.length} role="status">${loadingText}</td></tr>`;
	} else if (rows.length === 0) {
		body = html`<tr><td class="table__message" colspan=${columns.length}>${emptyText}</td></tr>`;
	} else {
		body = rows.map((row) => {
			const key = row[rowKey];
			const clickable = Boolean(onRowClick);
			const onKeyDown = (event) => {
				if (event.target !== event.currentTarget) return;
				if (event.key === 'Enter' || event.key === ' ') {
					event.preventDefault();
					onRowClick(row);
				}
			};
			return html`<tr key=${key} data-row-key=${key}
				class=${(clickable ? 'table__row--clickable ' : '') + (selectedKey != null && key === selectedKey ? 'table__row--selected' : '')}
				tabindex=${clickable ? 0 : undefined}
				aria-current=${selectedKey != null && key === selectedKey ? 'true' : undefined}
				onClick=${clickable ? () => onRowClick(row) : undefined}
				onKeyDown=${clickable ? onKeyDown : undefined}>
				${columns.map((column) => html`<td key=${column.key} class=${cellClass(column)}>${cell(column, row)}</td>`)}
			</tr>`;
		});
	}
	return html`<div class="table-wrap">
		<table class="table" aria-busy=${loading ? 'true' : 'false'}>
			${caption && html`<caption class=${'table__caption' + (captionHidden ? ' visually-hidden' : '')}>${caption}</caption>`}
			<thead><tr>${columns.map((column) => html`<th key=${column.key} scope="col" class=${cellClass(column)}>${column.label}</th>`)}</tr></thead>
			<tbody>${body}</tbody>
		</table>
	</div>`;
}
