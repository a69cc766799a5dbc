#!/usr/bin/env python3
"""gen-import.py OUT.csv EXPECT.json TEMPLATE_ID [ROWS]:
the 5,000-row Windows-1250 import file of tests/cgi/imports.sh and, computed
here independently of the program, what its dry run must report.

Data row i (1..5000) is spreadsheet row i + 1.  Each row has at most one
problem, chosen by i:
  i % 50 == 0               bad PESEL checksum           -> invalid (PESEL)
  i % 70 == 0               postal code "00-0000"        -> invalid (Kod pocztowy)
  i % 400 == 3              no last name                 -> invalid (Nazwisko)
  i % 1000 == 1             notes "=cmd|' /C calc'!A0"   -> invalid (Uwagi, formula)
  i % 97 == 0               e-mail of row i - 1          -> duplicate inside the file
  i in (13, 20, 30)         PESEL, e-mail, phone of a lead that exists -> duplicate
  i % 10 == 0 (valid ones)  consents with source, date and method
  i % 10 == 5               consents without a method    -> created, flagged
"""
import json
import sys

out, expect_path, template = sys.argv[1], sys.argv[2], sys.argv[3]
# Rows: 5,000, or fewer for a second format's file (at least 1,002: row 1002 holds the formula).
N = int(sys.argv[4]) if len(sys.argv) > 4 else 5000


def pesel(serial):
    base = "850315%04d" % serial
    w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]
    s = sum(int(c) * k for c, k in zip(base, w))
    return base + str((10 - s % 10) % 10)


def bad_pesel(serial):
    good = pesel(serial)
    return good[:10] + str((int(good[10]) + 1) % 10)


header = ["Imię", "Nazwisko", "E-mail", "Telefon", "PESEL", "Kod pocztowy", "Miasto",
          "Uwagi", "Zgody", "Źródło zgody", "Data zgody", "Sposób zgody"]
rows, issues, dups, flagged, consented = [], [], [], 0, 0
categories = {"pesel": 0, "postal": 0, "last": 0, "formula": 0, "inner": 0, "existing": 0}
for i in range(1, N + 1):
    first, last = "Zażółć%d" % i, "Gęślą-Jaźń"
    email, phone = "imp%d@example.com" % i, "+48 5%08d" % i
    pes = pesel(i) if i % 13 == 0 else ""
    postal, city, notes = "00-%03d" % (i % 1000), "Łódź", "Wiersz %d" % i
    cons = src = date = method = ""
    kind = None
    if i % 50 == 0:
        pes, kind = bad_pesel(i), "pesel"
        issues.append({"row": i + 1, "column": "PESEL", "value": pes, "problem": "Nieprawidłowy numer PESEL"})
    elif i % 70 == 0:
        postal, kind = "00-0000", "postal"
        issues.append({"row": i + 1, "column": "Kod pocztowy", "value": postal, "problem": "Nieprawidłowy kod pocztowy"})
    elif i % 400 == 3:
        last, kind = "", "last"
        issues.append({"row": i + 1, "column": "Nazwisko", "value": None, "problem": "Pole wymagane"})
    elif i % 1000 == 1:
        notes, kind = "=cmd|' /C calc'!A0", "formula"
        issues.append({"row": i + 1, "column": "Uwagi", "value": notes, "problem": "Formuła w komórce jest niedozwolona"})
    elif i % 97 == 0 and (i - 1) % 50 and (i - 1) % 70 and (i - 1) % 400 != 3 and (i - 1) % 1000 != 1:
        email, kind = "imp%d@example.com" % (i - 1), "inner"
        dups.append({"row": i + 1, "sameAsRow": i, "leadIds": None})
    elif i in (13, 20, 30):
        kind = "existing"
        dups.append({"row": i + 1, "sameAsRow": None, "leadIds": "existing"})
    if kind is None and i % 10 == 0:
        cons, src, date, method = template, "formularz papierowy", "2025-03-01", "PHONE_CALL"
        consented += 1
    if kind is None and i % 10 == 5:
        cons, src, date = template, "formularz papierowy", "2025-03-01"
        flagged += 1
    if kind:
        categories[kind] += 1
    rows.append([first, last, email, phone, pes, postal, city, notes, cons, src, date, method])


def cell(v):
    if any(c in v for c in ';"\n\r'):
        return '"' + v.replace('"', '""') + '"'
    return v


with open(out, "wb") as f:
    for r in [header] + rows:
        f.write((";".join(cell(v) for v in r) + "\r\n").encode("cp1250"))
invalid = sum(categories[k] for k in ("pesel", "postal", "last", "formula"))
dup = categories["inner"] + categories["existing"]
json.dump({
    "total": N, "invalid": invalid, "duplicates": dup, "valid": N - invalid - dup,
    "flagged": flagged, "consented": consented, "categories": categories,
    "issues": issues, "dups": dups, "pesel13": pesel(13),
}, open(expect_path, "w"), ensure_ascii=False)
