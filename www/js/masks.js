// Input masks and client-side checks of the lead forms (frontend.md §11.3–
// §11.5, api.md §2.7). Pure functions: the screens call them from their
// onInput handlers and validators; tests import them directly.
import { nationalPhoneDigits } from './i18n.js';

/**
 * Postal code NN-NNN while typing (§11.3): digits only, at most 5, a hyphen
 * after the second digit once a third is typed or when typing forward past
 * the second; deleting the hyphen is possible (backspace from "12-" → "12").
 */
export function maskPostalCode(raw, previous = '') {
	const text = String(raw == null ? '' : raw);
	const digits = text.replace(/\D/g, '').slice(0, 5);
	if (digits.length > 2) return digits.slice(0, 2) + '-' + digits.slice(2);
	if (digits.length === 2 && (String(previous).length < 3 && text.length > String(previous).length)) return digits + '-';
	if (digits.length === 2 && text.endsWith('-')) return digits + '-';
	return digits;
}

export function isPostalCode(value) {
	return /^\d{2}-\d{3}$/.test(value);
}

/**
 * The phone field shown as "+48 600 100 200" (groups of three digits) (§11.4, rewrite): the national
 * digits are what the user typed after our "+48 " prefix (or, for a pasted
 * number with more than 9 digits, without its leading 48). A deletion that
 * removed only a separator removes the digit before it too, so backspace
 * never gets stuck on a space.
 */
export function maskPhone(raw, previous = '', deleting = false) {
	let text = String(raw == null ? '' : raw);
	const hadPrefix = /^\s*\+48/.test(text);
	if (hadPrefix) text = text.replace(/^\s*\+48/, '');
	let digits = text.replace(/\D/g, '');
	if (!hadPrefix && digits.length > 9 && digits.startsWith('48')) digits = digits.slice(2);
	digits = digits.slice(0, 9);
	if (deleting) {
		const before = phoneDigitsOf(previous);
		if (digits.length === before.length && digits.length > 0) digits = digits.slice(0, -1);
	}
	return formatPhoneDigits(digits);
}

function phoneDigitsOf(formatted) {
	return String(formatted || '').replace(/^\s*\+48/, '').replace(/\D/g, '');
}

function formatPhoneDigits(digits) {
	if (!digits) return '';
	const groups = [digits.slice(0, 3), digits.slice(3, 6), digits.slice(6, 9)].filter(Boolean);
	return '+48 ' + groups.join(' ');
}

/** A filled phone is valid with exactly 9 national digits (optional +48). */
export function isPhone(value) {
	const compact = String(value || '').replace(/[\s-]/g, '');
	return /^(?:\+?48)?\d{9}$/.test(compact);
}

/** What the API gets: "+48123456789" (spaces removed), or null when empty. */
export function phoneValue(value) {
	const digits = nationalPhoneDigits(value);
	return digits ? '+48' + digits : null;
}

/** VIN while typing (§11.5): upper case, A–Z and 0–9 only, at most 17. */
export function normaliseVin(raw) {
	return String(raw == null ? '' : raw).toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 17);
}

export function isVin(value) {
	return /^[A-Z0-9]{17}$/.test(value);
}

/** something@something.something, no spaces (the create-lead rule). */
export function isEmail(value) {
	return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(value || '').trim());
}

/** An absolute http(s) URL. */
export function isHttpUrl(value) {
	try {
		const url = new URL(String(value).trim());
		return url.protocol === 'http:' || url.protocol === 'https:';
	} catch {
		return false;
	}
}

/**
 * A decimal typed in a number field ("1200", "1200,50", "1 200.5") as a
 * number, null when empty, NaN when not a number.
 */
export function parseAmount(value) {
	const text = String(value == null ? '' : value).replace(/[\s\u00a0]/g, '').replace(',', '.');
	if (text === '') return null;
	if (!/^-?\d+(\.\d+)?$/.test(text)) return NaN;
	return Number(text);
}

/** A whole number typed in a field, null when empty, NaN when not one. */
export function parseInteger(value) {
	const text = String(value == null ? '' : value).trim();
	if (text === '') return null;
	if (!/^-?\d+$/.test(text)) return NaN;
	return Number(text);
}

/** The latest year allowed for a vehicle (current year + 1). */
export function maxVehicleYear() {
	return new Date().getFullYear() + 1;
}
