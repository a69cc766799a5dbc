/*
 * html: escaping of text placed into HTML (SR-24), the one place that does
 * it, like cgit's html.c.  Every operator- or client-supplied string put into
 * an HTML e-mail goes through here, in element content and in quoted
 * attribute values alike.
 */
#ifndef IZZY_HTML_H
#define IZZY_HTML_H

struct arena;

/*
 * s (not NULL) with & < > " ' replaced by entities; safe as element content
 * and as a double- or single-quoted attribute value.  Arena memory; NULL
 * when the arena is exhausted (arena_alloc logs).
 */
char *html_escape(struct arena *, const char *s);
/* Like html_escape, and every line break (CRLF, LF or CR) becomes "<br>". */
char *html_escape_lines(struct arena *, const char *s);

#endif
