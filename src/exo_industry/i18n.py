"""Words kept out of Python: one YAML file per section and language.

``sections/<name>/text/<lang>.yaml`` maps keys to templates (``str.format`` syntax). Nested
mappings are addressed with dotted keys (``claims.share60.reason``). The files are package
data, installed with the package; :func:`texts` reads each one once.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from .errors import BadParameter

LANGS = ("zh", "en")
# libyaml's safe loader when PyYAML was built with it (its wheels are): the same documents,
# parsed about ten times faster than the pure-Python loader in every notebook's kernel.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _flatten(tree: dict, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in tree.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, full + "."))
        else:
            out[full] = value
    return out


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise BadParameter(f"unsupported language {lang!r}; use one of {', '.join(LANGS)}")
    return lang


@cache
def texts(section: str, lang: str) -> dict[str, Any]:
    """All templates of one section in one language, with dotted keys."""
    if lang not in LANGS:
        raise BadParameter(f"language {lang!r} is not supported; use one of {LANGS}")
    ref = resources.files("exo_industry.sections").joinpath(section, "text", f"{lang}.yaml")
    if not ref.is_file():
        raise FileNotFoundError(f"no text file for section {section!r} in {lang}: expected {ref}")
    tree = yaml.load(ref.read_text(encoding="utf-8"), Loader=_SafeLoader) or {}
    if not isinstance(tree, dict):
        raise ValueError(f"{ref}: the top level must be a mapping of keys to templates")
    return _flatten(tree)


def template(section: str, lang: str, key: str) -> Any:
    table = texts(section, lang)
    try:
        return table[key]
    except KeyError:
        raise KeyError(f"text key {key!r} is missing from sections/{section}/text/{lang}.yaml") from None


def text(section: str, lang: str, key: str, /, **values: Any) -> str:
    """The template ``key`` filled with ``values`` (our own words; escape source text where shown)."""
    tpl = template(section, lang, key)
    if not isinstance(tpl, str):
        raise TypeError(f"text key {key!r} of sections/{section}/text/{lang}.yaml is not a string")
    return tpl.format(**values) if values else tpl


def labels(section: str, lang: str, group: str) -> dict[str, Any]:
    """Every key under ``group`` (e.g. ``labels``), without the group prefix."""
    prefix = group + "."
    return {k[len(prefix) :]: v for k, v in texts(section, lang).items() if k.startswith(prefix)}
