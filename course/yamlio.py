"""YAML loading that remembers line numbers, so every error can say `file:line`.

    data, lines = load_yaml(path)
    lines.get(("scenes", "opening", "choices", 0, "next"))  -> 42   (1-based)

`lines` maps a key path (tuple of mapping keys and list indexes) to the line where that
value starts; the empty tuple maps to line 1. A syntax error raises YamlError with the
file, line and a plain explanation.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


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
    return _convert_scalar(node)


def _convert_scalar(node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return yaml.SafeLoader(" ").construct_object(node, deep=True) if node.tag != "tag:yaml.org,2002:str" else node.value
    # complex keys are not used in course files
    return yaml.SafeLoader(" ").construct_object(node, deep=True)


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
    return _convert(node, (), lines, str(path)), lines


def load_yaml(path: Path | str) -> tuple[Any, _Lines]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise YamlError(p, 1, "the file is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise YamlError(p, 1, f"cannot read the file ({exc.strerror})") from None
    return load_yaml_text(text, p)
