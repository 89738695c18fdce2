"""Read a roster (an LMS gradebook export, or any CSV with one row per student), the same way for
`course collect` and `course export`.

* **Encoding**: a UTF-8 byte order mark, a UTF-16 one (Excel's "Unicode text"), or plain UTF-8;
  a file that is not valid UTF-8 is read as Windows-1252 (Excel's "CSV" on Windows, a superset of
  Latin-1 for letters), else as Latin-1. UTF-16 without a mark is recognised by its zero bytes.
  The encoding used is reported when it was not UTF-8. Hand-written on purpose: a handful of
  encodings decided by byte-order marks and strict decoding is deterministic, where a general
  detector (charset-normalizer) guesses among a hundred code pages and can mistake a short list
  of Latin-1 names for another one.
* **Delimiter**: comma, or semicolon / tab when the header line uses those (Excel in many locales).
* **Rows**: blank lines and Canvas's "Points Possible" row are skipped; Canvas's "Test Student"
  (its student-view account) is left out and named in `Table.dropped`. Each row keeps its line number.
"""
from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from course.errors import CourseError

TEST_STUDENT_NAMES = ("student, test", "test student", "test, student")


@dataclass
class Table:
    path: Path
    columns: list[str]
    rows: list[dict]                  # each with the extra key "_line": its line number in the file
    encoding: str = "utf-8"
    dropped: list[str] = field(default_factory=list)  # what was left out, one sentence each

    def note(self) -> str | None:
        if self.encoding in ("utf-8", "utf-8-sig"):
            return None
        return f"The roster {self.path.name} is not UTF-8; it was read as {self.encoding}."


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """(text, encoding name) of a roster file's bytes; see the module docstring."""
    def strict(enc: str) -> str:
        try:
            return data.decode(enc)
        except UnicodeDecodeError as exc:
            raise CourseError(f"The roster {path} says it is {enc.upper()} (by its byte order mark) but is not "
                              f"(byte {exc.start}).", hint="Save it again from the spreadsheet as 'CSV UTF-8'.") from None

    if data.startswith(codecs.BOM_UTF8):
        return strict("utf-8-sig"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return strict("utf-16"), "UTF-16"
    if b"\x00" in data[:4096]:
        head = data[:4096]
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > len(head) // 4 and even == 0:
            return strict("utf-16-le"), "UTF-16"
        if even > len(head) // 4 and odd == 0:
            return strict("utf-16-be"), "UTF-16"
        raise CourseError(f"The roster {path} is not a text file (it contains zero bytes).",
                          hint="Export the gradebook from the LMS as CSV, or save it from the spreadsheet as 'CSV UTF-8'.")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252 (Latin-1)"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] and counts[","] == 0 else ","


def read_table(path: str | Path) -> Table:
    path = Path(path)
    if not path.is_file():
        raise CourseError(f"The roster file {path} does not exist.",
                          hint="Export the gradebook from your LMS as CSV and pass that file with --roster.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CourseError(f"The roster {path} cannot be read ({exc.strerror}).", hint="Check its permissions.") from None
    text, encoding = decode(data, path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = next(reader, None)
        raw_rows = [(reader.line_num, r) for r in reader]
    except csv.Error as exc:
        raise CourseError(f"The roster {path} is not a readable CSV file (line {reader.line_num}: {exc}).",
                          hint="Export the gradebook from the LMS as CSV again.") from None
    cols = [c.strip() for c in (header or [])]
    if not any(cols):
        raise CourseError(f"The roster {path} is empty.", hint="It needs a header row and one row per student.")
    table = Table(path, cols, [], encoding)
    for line, values in raw_rows:
        row = {c: (values[i] if i < len(values) else "").strip() for i, c in enumerate(cols) if c}
        if not any(row.values()) or row.get(cols[0], "").strip().lower() == "points possible":
            continue  # blank lines, and the "Points Possible" row of a Canvas export
        if row.get("Student", "").lower() in TEST_STUDENT_NAMES:
            table.dropped.append(f"Left out Canvas's '{row['Student']}' (roster line {line}): the account Canvas "
                                 "creates for its student view, not a student.")
            continue
        row["_line"] = line
        table.rows.append(row)
    return table


def reject_duplicates(table: Table, column: str, what: str = "student id") -> None:
    """Stop with the lines when two roster rows share a value of `column` (one student's grade would
    go to the other's account)."""
    seen: dict[str, int] = {}
    for r in table.rows:
        v = r.get(column, "")
        if not v:
            continue
        if v in seen:
            raise CourseError(
                f"The roster {table.path} lists the {what} '{v}' twice (column '{column}', lines {seen[v]} and "
                f"{r['_line']}).", hint="Remove or correct the duplicate row, then run the command again; nothing "
                                        "was changed.")
        seen[v] = r["_line"]
