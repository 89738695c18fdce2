"""No student-controlled script in what graders and students open: autograded notebooks (shown by
formgrader) and feedback HTML.

A submission controls its Markdown and raw cells, and (when an assignment's code is run, confined)
its outputs. Rendered as HTML, `<img onerror=...>`, `<script>`, a `javascript:` link or an SVG
output runs script in the page, and in formgrader that page holds the instructor's Jupyter session.

`SanitizeNotebook` (the last autograde step) therefore rewrites the autograded notebook:

* a Markdown cell written by the student (any cell that is not a locked instructor cell, which
  nbgrader has already restored from the gradebook) is rendered to HTML with nbconvert's own
  Markdown renderer and cleaned with nh3 (the Python binding of the Rust `ammonia` sanitizer, a
  maintained allow-list sanitizer; bleach, nbconvert's choice, is deprecated by its maintainers).
  Cleaned HTML is valid Markdown, so formgrader shows the same text, without script;
* a raw cell's text is cleaned the same way;
* outputs keep plain text, PNG/JPEG/GIF images and cleaned `text/html`; JavaScript, SVG, widget
  views, LaTeX and any other rich output are dropped (with a one-line note in their place).

Images may only come from the notebook itself (`data:` PNG/JPEG/GIF or a cell attachment): a remote
`<img src=https://...>` would tell its owner when and from where a grader opened the notebook.

`clean_html(text)` is the sanitizer used for all of it.
"""
from __future__ import annotations

import json
import re

import nh3
from nbgrader.preprocessors import NbGraderPreprocessor

SAFE_IMAGE = re.compile(r"^(data:image/(png|jpeg|gif);base64,|attachment:)", re.I)
MAX_ATTACHMENTS = 2 * 1024 * 1024   # bytes of images pasted into one Markdown cell
KEEP_MIME = {"text/plain", "image/png", "image/jpeg", "image/gif"}
_TAGS = set(nh3.ALLOWED_TAGS) - {"map", "area"}
_ATTRS = {"*": {"class", "title", "lang", "dir"}, "a": {"href"}, "img": {"src", "alt", "width", "height"},
          "td": {"colspan", "rowspan", "align"}, "th": {"colspan", "rowspan", "align"},
          "ol": {"start"}, "code": {"class"}}


def _filter(tag: str, attr: str, value: str):
    if tag == "img" and attr == "src":
        return value if SAFE_IMAGE.match(value.strip()) else None
    return value


def clean_html(text: str) -> str:
    """HTML with every script vector removed (tags, event attributes, unsafe URLs, remote images)."""
    return nh3.clean(str(text), tags=_TAGS, attributes=_ATTRS, attribute_filter=_filter,
                     url_schemes={"http", "https", "mailto", "attachment", "data"},
                     link_rel="noopener noreferrer nofollow")


def markdown_to_safe_html(source: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    try:
        html = markdown2html_mistune(source)
    except Exception:  # a renderer failure must not let the raw text through
        html = "<pre>" + nh3.clean_text(source) + "</pre>"
    return clean_html(html)


def _is_instructor_cell(cell) -> bool:
    meta = (cell.get("metadata") or {}).get("nbgrader") or {}
    return bool(meta.get("locked")) and not meta.get("solution")


def sanitize_outputs(outputs) -> tuple[list, int]:
    """(outputs with only safe data, number of rich outputs dropped)."""
    kept, dropped = [], 0
    for out in outputs or []:
        data = out.get("data")
        if data is None:  # stream / error: plain text only
            kept.append(out)
            continue
        safe = {}
        for mime, value in data.items():
            if mime in KEEP_MIME:
                safe[mime] = value
            elif mime == "text/html":
                safe[mime] = clean_html(value if isinstance(value, str) else "".join(value))
            elif mime == "text/markdown":
                safe["text/html"] = markdown_to_safe_html(value if isinstance(value, str) else "".join(value))
            else:
                dropped += 1
        if not safe:
            safe = {"text/plain": "[a rich output was removed by the course grader: it could run script]"}
        out["data"] = safe
        out["metadata"] = {}
        kept.append(out)
    return kept, dropped


class SanitizeNotebook(NbGraderPreprocessor):
    """Autograde's last step: the autograded notebook carries no student-controlled script."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":  # fields a hand-edited notebook may smuggle onto text cells
            for k in ("outputs", "execution_count"):
                cell.pop(k, None)
        if not _is_instructor_cell(cell) and len(json.dumps(cell.get("attachments") or {})) > MAX_ATTACHMENTS:
            cell.pop("attachments", None)
        if cell.cell_type == "markdown" and not _is_instructor_cell(cell):
            src = cell.source if isinstance(cell.source, str) else "".join(cell.source)
            if src.strip():
                cell.source = markdown_to_safe_html(src)
        elif cell.cell_type == "raw":
            src = cell.source if isinstance(cell.source, str) else "".join(cell.source)
            cell.source = clean_html(src)
        elif cell.cell_type == "code":
            cell.outputs, _ = sanitize_outputs(cell.get("outputs"))
        return cell, resources
