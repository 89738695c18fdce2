"""YAML loading that remembers line numbers, so every error can say `file:line`.

    data, lines = load_yaml(path)
    lines.get(("scenes", "opening", "choices", 0, "next"))  -> 42   (1-based)

`lines` maps a key path (tuple of mapping keys and list indexes) to the line where that
value starts; the empty tuple maps to line 1. Whatever an author can do by accident raises
YamlError with the file, the line and a plain explanation, never a traceback: a syntax error, a
key given twice, a value PyYAML cannot build (the date 2020-13-45), a folder or a huge file, text
that is not UTF-8, an anchor that contains itself or aliases that expand to millions of entries.
Every course file (vignettes, questions, rubrics, items, codes, lenses, cases) is read here.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 1_000_000        # shipped files are 5-20 KB; a larger one is almost surely a mistake
MAX_NODES = 200_000          # after aliases (*name) are expanded


class YamlError(Exception):
    def __init__(self, path: Path | str, line: int, message: str):
        self.path, self.line, self.message = str(path), line, message
        super().__init__(f"{path}:{line}: {message}")


class _Lines(dict):
    def near(self, keypath: tuple, default: int = 1) -> int:
        """The line of keypath, or of its closest ancestor that has one."""
        kp = tuple(keypath)
        while kp:
            if kp in self:
                return self[kp]
            kp = kp[:-1]
        return self.get((), default)


def _convert(node: yaml.Node, keypath: tuple, lines: _Lines, path: str) -> Any:
    lines[keypath] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for knode, vnode in node.value:
            key = _convert_scalar(knode)
            if key in out:
                raise YamlError(path, knode.start_mark.line + 1,
                                f"the key '{key}' appears twice in the same block; keep one of them")
            out[key] = _convert(vnode, keypath + (key,), lines, path)
            lines[keypath + (key,)] = knode.start_mark.line + 1  # errors point at the key
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(v, keypath + (i,), lines, path) for i, v in enumerate(node.value)]
    try:
        return _convert_scalar(node)
    except Exception as exc:          # e.g. a date that does not exist: 2020-13-45
        raise YamlError(path, node.start_mark.line + 1,
                        f"a value cannot be read ({exc}); put it in quotes if it is meant as text") from None


def _convert_scalar(node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return yaml.SafeLoader(" ").construct_object(node, deep=True) if node.tag != "tag:yaml.org,2002:str" else node.value
    # complex keys are not used in course files
    return yaml.SafeLoader(" ").construct_object(node, deep=True)


def _first_line_with(text: str, needle: str) -> int:
    for n, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return n
    return 1


def _expanded_size(root: yaml.Node) -> int:
    """How many nodes the document has once every alias is expanded (memoised, so a
    'billion laughs' document is measured without being expanded)."""
    memo: dict[int, int] = {}
    order, stack, seen = [], [root], set()
    while stack:                      # post-order without recursion (deep documents are fine)
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        order.append(node)
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(v for kv in node.value for v in kv)
    for node in reversed(order):
        kids = (node.value if isinstance(node, yaml.SequenceNode)
                else [v for kv in node.value for v in kv] if isinstance(node, yaml.MappingNode) else [])
        memo[id(node)] = min(1 + sum(memo.get(id(k), 1) for k in kids), 10 ** 12)
    return memo.get(id(root), 1)


def load_yaml_text(text: str, path: Path | str = "<text>") -> tuple[Any, _Lines]:
    lines = _Lines()
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or "the file is not valid YAML"
        raise YamlError(path, line,
                        f"YAML syntax error ({problem}); check indentation (spaces, not tabs) and that "
                        "text containing ':' or '#' is quoted") from None
    except yaml.YAMLError as exc:  # pragma: no cover - defensive
        raise YamlError(path, 1, f"the file is not valid YAML ({exc})") from None
    if node is None:
        lines[()] = 1
        return None, lines
    if "*" in text and _expanded_size(node) > MAX_NODES:
        raise YamlError(path, _first_line_with(text, "*"),
                        "aliases (*name) make this file expand to millions of entries; "
                        "write the content out instead of repeating it through anchors")
    try:
        return _convert(node, (), lines, str(path)), lines
    except RecursionError:
        raise YamlError(path, _first_line_with(text, "*") if "*" in text else 1,
                        "an anchor (&name) contains an alias to itself (*name), or the file nests "
                        "too deeply, so it cannot be read; write the content out instead") from None


def load_yaml(path: Path | str) -> tuple[Any, _Lines]:
    p = Path(path)
    if p.is_dir():
        raise YamlError(p, 1, "this is a folder, not a file")
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise YamlError(p, 1, f"cannot read the file ({exc.strerror})") from None
    if size > MAX_BYTES:
        raise YamlError(p, 1, f"the file is {size / 1e6:.1f} MB, far larger than any course file "
                              f"(they are 5-20 KB; the limit is {MAX_BYTES // 1000} KB); check that it is the right "
                              "file, or split it")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise YamlError(p, 1, "the file is not UTF-8 text; save it as UTF-8 "
                              "(in most editors: Save As, Encoding: UTF-8)") from None
    except OSError as exc:
        raise YamlError(p, 1, f"cannot read the file ({exc.strerror})") from None
    return load_yaml_text(text, p)
