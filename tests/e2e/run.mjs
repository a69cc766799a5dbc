#!/usr/bin/env node
// Browser test runner of the frontend (no test framework): runs every
// tests/e2e/*.test.mjs, whose named async exports are the tests, in Debian's
// Chromium driven by playwright-core.
//
//   IZZY_BASE_URL=http://127.0.0.1:8080 node tests/e2e/run.mjs [filter…]
//
// Environment:
//   IZZY_BASE_URL       the site under test (nginx + backend); required
//   IZZY_ARTIFACTS_DIR  where screenshots go (default tests/e2e/artifacts)
//   IZZY_CHROMIUM       the browser binary (default /usr/bin/chromium)
// A filter keeps the tests whose "file › name" contains it.
//
// One browser per run (Playwright gives it a fresh temporary profile, removed
// at the end); one new browser context per test, so no cookie or storage
// survives from one test to the next. Each test gets
// { page, context, baseURL, errors } and fails when it throws, when it runs
// longer than TEST_TIMEOUT_MS, or when the page logged a console error, threw
// an uncaught error, violated the CSP, got a 5xx answer or lost a request.
// The browser's own "Failed to load resource: … status of 4xx" lines are
// not errors: the app expects some 4xx answers (e.g. 401 from /api/auth/me
// when logged out). A screenshot of each test's end state is saved
// (<file>--<test>.png, or <file>--<test>--FAILED.png).
//
// Output is TAP; the last line is "e2e: N passed, M failed". The exit code is
// 0 only when every test passed and at least one ran.
import { readdir, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const TEST_TIMEOUT_MS = 60_000;
const ACTION_TIMEOUT_MS = 10_000;
const CHROMIUM_ARGS = [
	'--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const here = path.dirname(fileURLToPath(import.meta.url));
const baseURL = (process.env.IZZY_BASE_URL || '').replace(/\/+$/, '');
const artifacts = path.resolve(process.env.IZZY_ARTIFACTS_DIR || path.join(here, 'artifacts'));
const executablePath = process.env.IZZY_CHROMIUM || '/usr/bin/chromium';
const filters = process.argv.slice(2);

function slug(text) {
	return text.replace(/\.test\.mjs$/, '').replace(/[^A-Za-z0-9_-]+/g, '_');
}

async function collectTests() {
	const files = (await readdir(here)).filter((f) => f.endsWith('.test.mjs')).sort();
	const tests = [];
	for (const file of files) {
		const mod = await import(pathToFileURL(path.join(here, file)).href);
		for (const [name, fn] of Object.entries(mod)) {
			if (typeof fn !== 'function') continue;
			const title = `${file.replace(/\.test\.mjs$/, '')} › ${name}`;
			if (filters.length && !filters.some((f) => title.includes(f))) continue;
			tests.push({ file, name, title, fn });
		}
	}
	return tests;
}

/** Records what must fail the test: console errors, page errors, CSP, 5xx. */
function watch(context) {
	const errors = [];
	const attach = (page) => {
		page.on('console', (msg) => {
			if (msg.type() !== 'error') return;
			const text = msg.text();
			if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return;
			errors.push(`console error: ${text}`);
		});
		page.on('pageerror', (err) => errors.push(`uncaught error: ${err.message}`));
		page.on('response', (res) => {
			if (res.status() >= 500) errors.push(`HTTP ${res.status()} from ${res.request().method()} ${res.url()}`);
		});
		page.on('requestfailed', (req) => {
			const failure = req.failure() ? req.failure().errorText : 'failed';
			// Aborted requests are navigations or fetches the app cancelled.
			if (failure !== 'net::ERR_ABORTED') errors.push(`request failed (${failure}): ${req.method()} ${req.url()}`);
		});
	};
	context.on('page', attach);
	return { errors, attach };
}

async function cspReporting(context, errors) {
	await context.exposeBinding('__izzyReportCspViolation', (_source, v) => {
		errors.push(`CSP violation: ${v.directive} blocked ${v.blocked || '(inline)'} at ${v.source}`);
	});
	await context.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (e) => {
			window.__izzyReportCspViolation({
				directive: e.effectiveDirective || e.violatedDirective,
				blocked: e.blockedURI,
				source: `${e.sourceFile || e.documentURI}:${e.lineNumber}`,
			});
		});
	});
}

function withTimeout(promise, ms) {
	let timer;
	const timeout = new Promise((_, reject) => {
		timer = setTimeout(() => reject(new Error(`test timed out after ${ms} ms`)), ms);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function runTest(browser, test) {
	const context = await browser.newContext({
		baseURL,
		viewport: { width: 1366, height: 768 },
		locale: 'pl-PL',
		timezoneId: 'Europe/Warsaw',
	});
	context.setDefaultTimeout(ACTION_TIMEOUT_MS);
	const { errors, attach } = watch(context);
	await cspReporting(context, errors);
	const page = await context.newPage();
	attach(page);

	let failure = null;
	try {
		await withTimeout(test.fn({ page, context, baseURL, errors }), TEST_TIMEOUT_MS);
		// Let late console messages (e.g. from a last fetch) arrive.
		await page.waitForTimeout(100);
	} catch (err) {
		failure = err;
	}
	if (!failure && errors.length) {
		failure = new Error(errors.join('\n'));
		failure.stack = failure.message; // where the runner noticed it says nothing
	}

	const shot = path.join(artifacts, `${slug(test.file)}--${slug(test.name)}${failure ? '--FAILED' : ''}.png`);
	for (const p of context.pages()) {
		if (p.isClosed()) continue;
		try {
			await p.screenshot({ path: shot, fullPage: true, timeout: 5000 });
		} catch (err) {
			process.stdout.write(`# screenshot failed: ${err.message.split('\n')[0]}\n`);
		}
		break;
	}
	await context.close();
	return { failure, shot };
}

function yamlBlock(err, shot) {
	const lines = String((err && err.stack) || err).split('\n').slice(0, 20);
	return ['  ---', '  message: |', ...lines.map((l) => '    ' + l), `  screenshot: ${shot}`, '  ...'].join('\n') + '\n';
}

async function main() {
	if (!baseURL) {
		process.stderr.write('run.mjs: set IZZY_BASE_URL to the site under test, e.g. http://127.0.0.1:8080\n');
		return 2;
	}
	await mkdir(artifacts, { recursive: true });
	const tests = await collectTests();
	process.stdout.write(`TAP version 13\n1..${tests.length}\n# base URL ${baseURL}, screenshots in ${artifacts}\n`);
	if (tests.length === 0) {
		process.stdout.write('e2e: 0 passed, 0 failed\n');
		return 1;
	}

	const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
	let passed = 0;
	let failed = 0;
	try {
		for (const [i, test] of tests.entries()) {
			const started = Date.now();
			const { failure, shot } = await runTest(browser, test);
			const secs = ((Date.now() - started) / 1000).toFixed(1);
			if (failure) {
				failed += 1;
				process.stdout.write(`not ok ${i + 1} - ${test.title} (${secs}s)\n${yamlBlock(failure, shot)}`);
			} else {
				passed += 1;
				process.stdout.write(`ok ${i + 1} - ${test.title} (${secs}s)\n`);
			}
		}
	} finally {
		await browser.close();
	}
	process.stdout.write(`e2e: ${passed} passed, ${failed} failed\n`);
	return failed === 0 ? 0 : 1;
}

main().then((code) => { process.exitCode = code; }, (err) => {
	process.stderr.write(`run.mjs: ${err.stack || err}\n`);
	process.exitCode = 2;
});
