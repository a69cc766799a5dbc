/*
 * sanitize: HTML from administrators (consent template texts, FR-30) reduced
 * to a small allow-list before it is stored, so that the text a client sees
 * and the snapshot a consent record keeps can never carry script (SR-24).
 *
 * Kept:   a (href http/https/mailto only), b, blockquote, br, em, h3, h4, i,
 *         li, ol, p, strong, u, ul; no other attribute.
 * Gone with their content: script, style, iframe, object, embed, noscript,
 *         template, textarea, select, svg, math, title, head.
 * Gone, content kept: every other tag; comments, doctypes and processing
 *         instructions disappear.
 * Text:   bare '<', '>' and '&' become entities; well-formed entities stay.
 * Tags are balanced: a stray closing tag is dropped and open ones are
 * closed at the end, so a stored text cannot swallow the page around it.
 */
#ifndef IZZY_SANITIZE_H
#define IZZY_SANITIZE_H

struct arena;

/* The sanitised copy of html in the arena; NULL (not logged) when out of memory. */
char *sanitize_html(struct arena *, const char *html);

#endif
