#!/usr/bin/env python3
"""Writes the test messages of tests/worker/imap.sh into DIR, byte-exact.

Usage: imap_messages.py DIR CUSTOMER_ADDRESS

  01-plain.eml    unknown sender, text/plain UTF-8, a phone number
  02-html.eml     unknown sender, HTML only (with a script to be removed), company words
  03-reply.eml    the existing customer (address in another case), multipart/mixed with
                  text + HTML alternative and two attachments (PDF, PNG)
  04-latin2.eml   unknown sender, ISO-8859-2 RFC 2047 subject and name, ISO-8859-2 body
  05-utf8.eml     unknown sender, UTF-8 RFC 2047 subject, Windows-1250 body
  06-big.eml      20 MB: must be skipped
  07-dup.eml      the same Message-ID as 01 (a second copy): no second lead
"""
import base64
import os
import sys

out, customer = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
CRLF = b"\r\n"


def write(name, headers, body):
    data = CRLF.join(h.encode("ascii") if isinstance(h, str) else h for h in headers)
    data += CRLF + CRLF + body
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


write("01-plain.eml", [
    'From: "Anna Nowak" <anna.nowak@example.pl>',
    "To: leady@izzy.test",
    "Subject: Pytanie o leasing",
    "Date: Sat, 05 Dec 2026 10:00:00 +0100",
    "Message-ID: <plain-0001@example.pl>",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit",
], "Dzień dobry,\r\nproszę o kontakt, tel. +48 600 100 200.\r\n* Anna\r\n".encode("utf-8"))

write("02-html.eml", [
    "From: <biuro@firma-testowa.pl>",
    "To: leady@izzy.test",
    "Subject: Zapytanie ofertowe",
    "Message-ID: <html-0002@firma-testowa.pl>",
    "MIME-Version: 1.0",
    "Content-Type: text/html; charset=utf-8",
    "Content-Transfer-Encoding: quoted-printable",
], b"<html><body><p>Firma <b>Test Sp. z o.o.</b> prosi o ofert=C4=99.</p>"
   b"<script>alert('x')</script><p>Tel: 22-555-66-77</p></body></html>\r\n")

pdf = b"%PDF-1.4\n" + b"0" * 1200 + b"\n%%EOF\n"
png = bytes.fromhex("89504e470d0a1a0a") + b"\x00" * 300
write("03-reply.eml", [
    "From: Jan Klient <%s>" % customer.upper().replace("@", "@", 1),
    "To: leady@izzy.test",
    "Subject: Re: Oferta leasingu",
    "Message-ID: <reply-0003@example.pl>",
    "In-Reply-To: <offer-1@izzy.test>",
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="MIX"',
], CRLF.join([
    b"--MIX",
    b'Content-Type: multipart/alternative; boundary="ALT"',
    b"",
    b"--ALT",
    b"Content-Type: text/plain; charset=utf-8",
    b"",
    "Dziękuję, przesyłam dokumenty.".encode("utf-8"),
    b"--ALT",
    b"Content-Type: text/html; charset=utf-8",
    b"",
    "<p onclick=\"x()\">Dziękuję, <i>przesyłam</i> dokumenty.</p>".encode("utf-8"),
    b"--ALT--",
    b"--MIX",
    b'Content-Type: application/pdf; name="dowod.pdf"',
    b'Content-Disposition: attachment; filename="dowod.pdf"',
    b"Content-Transfer-Encoding: base64",
    b"",
    base64.encodebytes(pdf).replace(b"\n", b"\r\n").rstrip(),
    b"--MIX",
    b"Content-Type: image/png",
    b'Content-Disposition: attachment; filename="=?UTF-8?Q?zdj=C4=99cie.png?="',
    b"Content-Transfer-Encoding: base64",
    b"",
    base64.encodebytes(png).replace(b"\n", b"\r\n").rstrip(),
    b"--MIX--",
    b"",
]))

write("04-latin2.eml", [
    "From: =?ISO-8859-2?Q?Pawe=B3_=AFak?= <pawel.zak@example.pl>",
    "To: leady@izzy.test",
    "Subject: =?ISO-8859-2?Q?Zapytanie_o_samoch=F3d_=BFona?=",
    "Message-ID: <latin2-0004@example.pl>",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=ISO-8859-2",
    "Content-Transfer-Encoding: 8bit",
], "Zażółć gęślą jaźń – proszę o ofertę.\r\n".replace("–", "-").encode("iso-8859-2"))

write("05-utf8.eml", [
    "From: Łucja Wąs <lucja@example.pl>".encode("utf-8"),
    "To: leady@izzy.test",
    "Subject: =?UTF-8?B?" + base64.b64encode("Źródło finansowania – pilne".encode()).decode() + "?=",
    "Message-ID: <utf8-0005@example.pl>",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=windows-1250",
    "Content-Transfer-Encoding: 8bit",
], "Świętokrzyskie, ŚĆŹŻ – śćźż.\r\n".encode("windows-1250"))
# The From of 05 carries raw UTF-8 (RFC 6532 style), undeclared.

write("06-big.eml", [
    "From: Duzy Plik <big@example.pl>",
    "To: leady@izzy.test",
    "Subject: Big",
    "Message-ID: <big-0006@example.pl>",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=us-ascii",
], (b"x" * 998 + CRLF) * 20000)

write("07-dup.eml", [
    'From: "Anna Nowak" <anna.nowak@example.pl>',
    "To: leady@izzy.test",
    "Subject: Pytanie o leasing",
    "Message-ID: <plain-0001@example.pl>",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
], b"Druga kopia tej samej wiadomosci.\r\n")
