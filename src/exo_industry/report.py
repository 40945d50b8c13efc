"""Policy briefings: executed notebooks to self-contained HTML, plus an overview.

- code, prompts, the ``parameters`` and ``injected-parameters`` cells and papermill's
  metadata are removed; images are embedded; nothing is loaded from another host
  (our template drops require.js, MathJax and Mermaid from nbconvert's lab template);
- text from the internet is escaped where it enters HTML (pandas ``to_html(escape=True)``,
  ``nbtools.show_table``, Jinja2 autoescape), so it stays inert;
- Chinese glyphs are embedded: the page's CJK characters are cut from Noto Sans CJK SC
  (HarfBuzz subsetter) into an inline web font, so a reader without Chinese fonts still
  sees Simplified Chinese forms, not empty boxes;
- every briefing ends with a provenance footer built from ``data/processed/manifest.json``;
- file names carry notebook and language: ``01_aging_demographics.zh.html``; a run with
  non-default parameters also carries their key (``01_aging_demographics.p1a2b3c4d.zh.html``)
  and its footer lists the parameters; the overview uses default runs only;
- DOIs, web addresses and trial registry ids in the text become links (after escaping, in
  text nodes only); ``build/briefings/index.html`` lists every briefing;
- ``export_pdf`` prints a briefing to an A4 PDF with headless Chromium.
"""

from __future__ import annotations

import base64
import datetime as _dt
import functools
import hashlib
import html
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from . import __version__
from . import claims as claims_mod
from ._imports import skip_unused_format_checkers
from .config import paths
from .errors import ExoError, MissingData
from .processed import read_manifest
from .redact import redact_page
from .sections import all_sections, by_notebook
from .store import atomic_write_text

skip_unused_format_checkers()  # before nbformat is imported (lazily, below)
MAX_BYTES = 3 * 1024 * 1024
TEMPLATES = Path(__file__).parent / "templates"
LANG_CODES = {"zh": "zh-CN", "en": "en"}
LANG_LABELS = {"zh": "中文", "en": "English"}
TEXT = {
    "zh": {
        "kicker": "中国外泌体产业 · 数据复核简报",
        "overview_title": "论文数据复核总览",
        "overview_intro": (
            "本简报逐条复核吴等（2024）《对我国外泌体产业发展的思考与建议》中的数量论断，"
            "所有数值均由公开数据重新计算。"
        ),
        "claim": "论断",
        "paper": "论文数值",
        "ours": "复现数值",
        "verdict": "结论",
        "reason": "理由",
        "section": "节",
        "sources": "数据来源",
        "file": "文件",
        "release": "版本",
        "retrieved": "获取日期",
        "licence": "许可",
        "partial": "数据完整性",
        "built": "编制",
        "key_figure": "主要图表",
        "changed_since": "自上次刷新以来的变化：",
        "no_change": "各论断的结论与数值均无变化。",
        "open": "查看章节简报",
        "unit": "单位",
        "parameters": "参数",
        "defaults": "全部为默认值",
        "non_default": "非默认值",
        "index": "全部简报",
        "commit": "提交",
    },
    "en": {
        "kicker": "China's exosome industry · evidence briefing",
        "overview_title": "Checking the paper's numbers: overview",
        "overview_intro": (
            "This briefing checks each quantitative claim of Wu et al. (2024), 'Thoughts and suggestions "
            "on the development of China's exosome industry', against public data recomputed from source."
        ),
        "claim": "Claim",
        "paper": "Paper's value",
        "ours": "Reproduced value",
        "verdict": "Verdict",
        "reason": "Reason",
        "section": "§",
        "sources": "Sources",
        "file": "File",
        "release": "Release",
        "retrieved": "Retrieved",
        "licence": "Licence",
        "partial": "Completeness",
        "built": "Built",
        "key_figure": "Key figure",
        "changed_since": "What changed since",
        "no_change": "No claim's verdict or value changed.",
        "open": "open the section briefing",
        "unit": "Unit",
        "parameters": "Parameters",
        "defaults": "all at their defaults",
        "non_default": "not the default",
        "index": "All briefings",
        "commit": "commit",
    },
}


def briefings_dir() -> Path:
    return paths().build / "briefings"


def _css() -> str:
    return (TEMPLATES / "briefing.css").read_text(encoding="utf-8")


def _lang_links(stem: str, lang: str, tag: str = "") -> list[dict]:
    from .execute import run_name

    return [
        {
            "href": f"{run_name(stem, other, tag)}.html",
            "label": LANG_LABELS[other],
            "code": LANG_CODES[other],
            "current": other == lang,
        }
        for other in ("zh", "en")
    ]


@functools.lru_cache(maxsize=None)
def compendium_commit() -> str:
    """The short git commit of the compendium's checkout ('' outside a git checkout)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(paths().root), "rev-parse", "--short=10", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _value(v) -> str:
    return json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v


def parameters_html(stem: str, injected: dict, lang: str) -> str:
    """The footer's parameter list: every parameter of the run, non-default ones marked."""
    from .execute import notebook_defaults

    t = TEXT[lang]
    try:
        defaults = notebook_defaults(stem)
    except Exception:  # noqa: BLE001 - a notebook outside the project: show what was injected
        defaults = {}
    merged = {k: v for k, v in {**defaults, **injected}.items() if k != "lang"}
    if not merged:
        return ""
    changed = {k for k, v in merged.items() if k in injected and defaults.get(k) != v}
    note = f"（{t['non_default']}）" if lang == "zh" else f" ({t['non_default']})"
    mark = f' <strong class="exo-nondefault">{html.escape(note)}</strong>'
    items = "".join(
        f'<li><code>{html.escape(k)}</code> = <span class="exo-value">{html.escape(_value(v))}</span>'
        + (mark if k in changed else "")
        + "</li>"
        for k, v in merged.items()
    )
    head = t["parameters"] + (
        "" if changed else (f"（{t['defaults']}）" if lang == "zh" else f" ({t['defaults']})")
    )
    return f'<h3>{html.escape(head)}</h3><ul class="exo-params">{items}</ul>'


def _built_line(lang: str) -> str:
    t = TEXT[lang]
    built = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d")
    commit = compendium_commit()
    what = f"exo_industry {__version__}" + (f" ({t['commit']} {commit})" if commit else "")
    return f'<p class="exo-built">{html.escape(t["built"])}: {html.escape(what)}, {built}</p>'


def _source_title(name: str) -> str:
    try:
        from .sources import get

        return get(name).TITLE
    except Exception:  # noqa: BLE001 - a title is cosmetic; an unknown or broken source keeps its name
        return name


def provenance_footer(
    section_names: list[str], lang: str, data_notes: list[str], params_html: str = ""
) -> str:
    """The footer's HTML; every value is escaped."""
    t = TEXT[lang]
    manifest = read_manifest()
    seen = {}
    for rec in manifest.get("outputs", {}).values():
        if rec.get("section") in section_names:
            for i in rec.get("inputs", []):
                seen[(i["source"], i["file"])] = i
    rows = []
    for (src, file), i in sorted(seen.items()):
        rows.append(
            "<tr>"
            + "".join(
                f"<td>{html.escape(str(v or ''))}</td>"
                for v in (
                    _source_title(src),
                    file,
                    i.get("release"),
                    (i.get("retrieved_at") or "")[:10],
                    i.get("licence"),
                )
            )
            + "</tr>"
        )
    head = "".join(
        f"<th>{html.escape(h)}</th>"
        for h in (t["sources"], t["file"], t["release"], t["retrieved"], t["licence"])
    )
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in data_notes if n)
    return (
        f"<h3>{html.escape(t['sources'])}</h3><div class=\"exo-scroll\"><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
        + (f"<h3>{html.escape(t['partial'])}</h3><ul>{notes}</ul>" if notes else "")
        + params_html
        + _built_line(lang)
    )


def _clean(nb) -> None:
    """Drop parameter cells, cells tagged ``notebook-only`` and papermill's metadata before export."""
    nb.cells = [
        c
        for c in nb.cells
        if not {"parameters", "injected-parameters", "notebook-only"}
        & set(c.get("metadata", {}).get("tags", []))
    ]
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.get("metadata", {}).pop("papermill", None)
        cell.get("metadata", {}).pop("execution", None)


def _exporter(lang: str):
    """The briefing exporter, set to ``lang`` (nbconvert takes ISO 639-1 only; the region is
    added after export). One per process and build folder, so both languages share its
    compiled templates."""
    exp = _html_exporter(str(paths().build / "cache" / "jinja"))
    exp.language_code = lang
    return exp


@functools.lru_cache(maxsize=None)
def _html_exporter(cache_dir: str):
    """nbconvert's HTML exporter with our template. Jinja2 keeps the compiled templates in
    ``build/cache/jinja`` (its FileSystemBytecodeCache, which compiles a template again when
    its source or Jinja2 changes), so a later build does not compile them again."""
    from jinja2 import FileSystemBytecodeCache
    from nbconvert import HTMLExporter

    exp = HTMLExporter(
        template_name="briefing",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        optimistic_validation=True,  # validate the notebook once, not after each of 12 preprocessors
    )
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    exp.environment.bytecode_cache = FileSystemBytecodeCache(cache_dir)
    return exp


def warm_up() -> None:
    """Export a small stand-in notebook without writing anything, so that the first real
    briefing of a build finds the exporter ready: its template compiled, nbformat's schema
    validator and the CSS selectors of nbconvert's HTML clean-up built, and the regular
    expressions of linking and redaction compiled. That first export took about 0.4 s
    instead of 0.07 s, and it comes when the build's last runs have finished."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    table = "<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>"
    img = '<img alt="chart" src="data:image/svg+xml;base64,PHN2Zy8+">'
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title\n\nText with a [link](https://example.org) and NCT00000000."),
        nbformat.v4.new_code_cell(
            "x",
            outputs=[
                nbformat.v4.new_output("stream", name="stdout", text="text\n"),
                nbformat.v4.new_output("display_data", data={"text/html": table + img, "text/plain": "x"}),
            ],
        ),
    ]
    _clean(nb)
    resources = {
        "language_code": "en",
        "briefing": {
            "version": __version__,
            "css": "",
            "kicker": "",
            "lang_links": [],
            "index_label": "",
            "footer_html": "",
        },
    }
    body, _ = _exporter("en").from_notebook_node(nb, resources=resources)
    linkify(redact_page(body))


FONT_FAMILY = "Exo Noto Sans SC"


CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_CJK_CHARS = re.compile(f"[{CJK}]")
SUBSET_VERSION = 2  # bump when the subsetter or its options (_subset) change


def _is_cjk(ch: str) -> bool:
    return bool(_CJK_CHARS.fullmatch(ch))


def _font_cache_dir() -> Path:
    return paths().build / "cache" / "fonts"


def embedded_font_css(text: str) -> str:
    """An @font-face rule whose data: URI holds just the CJK glyphs ``text`` uses.

    Subsets are cached in ``build/cache/fonts`` under the hash of the glyph set and the font
    file's name, size and modification time, so re-exporting a page reuses its subset.
    """
    from .fonts import font_path

    chars = "".join(sorted(set(_CJK_CHARS.findall(text))))
    if not chars:
        return ""
    font = font_path()
    st = font.stat()
    ident = f"{SUBSET_VERSION}\0{font.name}\0{st.st_size}\0{st.st_mtime_ns}\0{chars}"
    cached = _font_cache_dir() / (hashlib.sha256(ident.encode("utf-8")).hexdigest() + ".b64")
    try:
        data = cached.read_text(encoding="ascii")
    except FileNotFoundError:
        data = base64.b64encode(_subset(font, chars)).decode("ascii")
        cached.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(cached, data)
    return (
        f'<style type="text/css">@font-face{{font-family:"{FONT_FAMILY}";'
        f'src:url(data:font/otf;base64,{data}) format("opentype");font-display:block;}}</style>'
    )


def _subset(font_file: Path, chars: str) -> bytes:
    """The glyphs of ``chars`` (and .notdef), cut from the font by HarfBuzz's subsetter.

    HarfBuzz does this in milliseconds where fontTools' subsetter took about half a second
    per page for this 16 MB CFF font. Its default layout features are kept; the name table
    keeps the copyright and licence records (IDs 0-14) the SIL Open Font License asks for.
    """
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(str(font_file)))
    spec = hb.SubsetInput()
    spec.sets(hb.SubsetInputSets.UNICODE).update(ord(c) for c in chars)
    spec.sets(hb.SubsetInputSets.NAME_ID).update(range(15))
    spec.flags |= hb.SubsetFlags.NOTDEF_OUTLINE
    sub = hb.subset(face, spec)
    if sub is None:
        raise RuntimeError(f"HarfBuzz could not subset {font_file.name} for {len(chars)} characters")
    return bytes(sub.blob.data)


_LINKABLE = re.compile(
    r"(?P<url>https?://(?:(?!&quot;|&lt;|&gt;|&#x27;|&#39;)[^\s<>\"'])+)"
    r"|(?P<doi>\b(?:doi:\s?)?10\.\d{4,9}/[^\s<>\"'&]+)"
    r"|(?P<nct>\bNCT\d{8}\b)"
    r"|(?P<actrn>\bACTRN\d{14}\b)"
)
# dates, ranges and hyphenated words (2026-11-25, 2015–2025, non-commercial): browsers may break
# after a hyphen, and a briefing wraps at spaces only
_NOBREAK = re.compile(
    r"(?<![A-Za-z0-9_.\-–])[A-Za-z0-9][A-Za-z0-9_.]*(?:[\-–][A-Za-z0-9_.]+)+(?![A-Za-z0-9_\-–])"
)
_TRAILING = ".,;:)]}）。，；：、"
_SKIP_TAGS = ("a", "script", "style", "title", "textarea", "code")


def _link(m: re.Match) -> str:
    text = m.group(0)
    tail = ""
    while text and text[-1] in _TRAILING:
        if text[-1] == ")" and text.count("(") >= text.count(")"):
            break  # a DOI such as 10.1016/S0140-6736(20)30925-9 keeps its own brackets
        text, tail = text[:-1], text[-1] + tail
    if m.group("url"):
        href = html.unescape(text)
    elif m.group("doi"):
        href = "https://doi.org/" + html.unescape(re.sub(r"^doi:\s?", "", text))
    elif m.group("nct"):
        href = f"https://clinicaltrials.gov/study/{text}"
    else:
        href = f"https://www.anzctr.org.au/TrialSearch.aspx?searchTxt={text}"
    return f'<a href="{html.escape(href, quote=True)}" rel="noopener">{text}</a>{tail}'


def _keep_together(text: str) -> str:
    """Dates and number ranges in (escaped) text wrapped so that a line never breaks inside them."""
    pieces = re.split(r"(<[^>]*>)", text)  # the links just made: leave their tags alone
    return "".join(
        p if p.startswith("<") else _NOBREAK.sub(r'<span class="exo-nb">\g<0></span>', p) for p in pieces
    )


def linkify(page: str) -> str:
    """DOIs, web addresses and trial registry ids in the text of already escaped HTML become
    links; tag attributes (data: URIs) and the text of links, scripts and styles are left alone."""
    out, depth = [], 0
    for part in re.split(r"(<[^>]*>)", page):
        if part.startswith("<"):
            m = re.match(r"<(/?)([a-zA-Z0-9]+)", part)
            if m and m.group(2).lower() in _SKIP_TAGS and not part.endswith("/>"):
                depth += -1 if m.group(1) else 1
                depth = max(depth, 0)
            out.append(part)
        elif depth == 0 and part:
            out.append(_keep_together(_LINKABLE.sub(_link, part)))
        else:
            out.append(part)
    return "".join(out)


def _write(path: Path, text: str) -> Path:
    text = linkify(redact_page(text))
    text = text.replace("</head>", embedded_font_css(text) + "</head>", 1)
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise ExoError(f"{path.name} would be {size / 1e6:.1f} MB, over the 3 MB limit for a briefing")
    atomic_write_text(path, text)
    return path


def export_notebook(executed: Path, out_dir: Path | None = None) -> Path:
    """``build/notebooks/<stem>.<lang>.ipynb`` to ``build/briefings/<stem>.<lang>.html``."""
    import nbformat

    from .execute import run_name, split_run_name
    from .runcache import is_complete

    executed = Path(executed)
    stem, tag, lang = split_run_name(executed.stem)
    if not is_complete(executed):  # e.g. Ctrl-C during a run: never publish a hollow briefing
        raise ExoError(
            f"{executed.name} is not the result of a finished run (no matching completion mark)",
            hint=f"run it again: `exo-industry run {stem} --lang {lang}`",
        )
    nb = nbformat.read(str(executed), as_version=4)
    injected = dict(nb.metadata.get("papermill", {}).get("parameters") or {})
    _clean(nb)
    section = by_notebook(stem)
    names = [section.NAME] if section else []
    notes = [section.DATA_NOTE[lang]] if section is not None else []
    title = section.TITLE[lang] if section else stem
    nb.metadata["title"] = f"{title} · {TEXT[lang]['kicker']}"
    resources = {
        "language_code": LANG_CODES[lang],
        "briefing": {
            "version": __version__,
            "css": _css(),
            "kicker": TEXT[lang]["kicker"],
            "lang_links": _lang_links(stem, lang, tag),
            "index_label": TEXT[lang]["index"],
            "footer_html": provenance_footer(names, lang, notes, parameters_html(stem, injected, lang)),
        },
    }
    body, _ = _exporter(lang).from_notebook_node(nb, resources=resources)
    body = body.replace(f'<html lang="{lang}">', f'<html lang="{LANG_CODES[lang]}">', 1)
    out_dir = Path(out_dir) if out_dir else briefings_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    return _write(out_dir / f"{run_name(stem, lang, tag)}.html", body)


_IMAGE_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}


def _img_data_uri(path: Path) -> str:
    return f"data:{_IMAGE_TYPES[path.suffix]};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def key_figure(section, lang: str) -> Path | None:
    figs = paths().figures
    name = section.KEY_FIGURE
    if name:
        p = figs / f"{name}.{lang}.svg"
        if p.exists():
            return p
    found = sorted(figs.glob(f"{section.NAME}_*.{lang}.svg"))
    return found[0] if found else None


def _defaults_note(lang: str) -> str:
    t = TEXT[lang]
    return f"<h3>{html.escape(t['parameters'])}</h3><p>{html.escape(t['defaults'])}</p>"


def _ledger_rows(ledger, lang: str) -> list[dict]:
    """The overview's ledger table: one row per claim, in the reader's language."""
    from .nbtools import VERDICT_WORDS

    rows = []
    for _, r in ledger.iterrows():
        rows.append(
            {
                "id": r["claim_id"],
                "section": r["section"],
                "statement": claims_mod.localized(r, "statement", lang),
                "paper": claims_mod.localized(r, "paper_value", lang),
                "ours": claims_mod.localized(r, "reproduced_value", lang),
                "unit": claims_mod.localized(r, "unit", lang),
                "verdict": VERDICT_WORDS[lang][r["verdict"]],
                "verdict_class": "verdict-" + r["verdict"].replace(" ", "-"),
                "reason": claims_mod.localized(r, "reason", lang),
                "href": f"{r['notebook']}.{lang}.html" if r["notebook"] else "",
            }
        )
    return rows


def _overview_cards(sections, lang: str) -> list[dict]:
    """One card per section: title, link, key figure (embedded) and what the offline data cover."""
    cards = []
    for s in sections:
        fig = key_figure(s, lang)
        cards.append(
            {
                "title": s.TITLE[lang],
                "href": f"{s.NOTEBOOK}.{lang}.html",
                "img": _img_data_uri(fig) if fig else None,
                "note": s.DATA_NOTE[lang],
            }
        )
    return cards


def export_overview(lang: str, out_dir: Path | None = None) -> Path:
    import jinja2
    from markupsafe import Markup

    t = TEXT[lang]
    ledger = claims_mod.read_ledger(paths().claims)
    if ledger.empty:
        raise MissingData(f"no claims in {paths().claims}", hint="run `exo-industry process`")
    sections = all_sections()
    rows = _ledger_rows(ledger, lang)
    cards = _overview_cards(sections, lang)
    from .refresh import changes_since

    changed = changes_since()  # after `refresh` + `process`: what changed against the previous ledger
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    page = env.from_string(OVERVIEW).render(
        changed=changed,
        lang_code=LANG_CODES[lang],
        t=t,
        rows=rows,
        cards=cards,
        css=Markup(_css()),
        links=_lang_links("00_overview", lang),
        version=__version__,
        lang=lang,
        footer=Markup(
            provenance_footer(
                [s.NAME for s in sections], lang, [c["note"] for c in cards], _defaults_note(lang)
            )
        ),
    )
    out_dir = Path(out_dir) if out_dir else briefings_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    return _write(out_dir / f"00_overview.{lang}.html", page)


OVERVIEW = """<!DOCTYPE html>
<html lang="{{ lang_code }}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="generator" content="exo_industry {{ version }}">
<title>{{ t.overview_title }}</title><style>{{ css }}</style></head>
<body class="jp-Notebook exo-overview"><main>
<header class="exo-header"><div class="exo-kicker">{{ t.kicker }}</div>
<nav class="exo-lang"><a href="index.html" class="exo-index">{{ t.index }}</a>{% for l in links %}<a href="{{ l.href }}" hreflang="{{ l.code }}"{% if l.current %} aria-current="page"{% endif %}>{{ l.label }}</a>{% endfor %}</nav></header>
<h1>{{ t.overview_title }}</h1>
<p>{{ t.overview_intro }}</p>
{% if changed %}<section class="exo-changes"><h2>{{ t.changed_since }} {{ changed[0] }}</h2>
{% if changed[1] %}<ul>{% for c in changed[1] %}
<li><a href="#{{ c.claim_id }}">{{ c.claim_id }}</a>: {{ c.field }} {{ c.before }} → {{ c.after }}</li>
{% endfor %}</ul>
{% else %}<p>{{ t.no_change }}</p>{% endif %}</section>{% endif %}
<div class="exo-scroll"><table class="exo-ledger"><thead><tr><th class="exo-id">{{ t.section }}</th><th class="exo-claim">{{ t.claim }}</th><th>{{ t.paper }}</th><th>{{ t.ours }}</th><th>{{ t.unit }}</th><th>{{ t.verdict }}</th><th class="exo-reason">{{ t.reason }}</th></tr></thead>
<tbody>{% for r in rows %}<tr id="{{ r.id }}"><td class="exo-id" data-label="{{ t.section }}">{{ r.section }}</td>
<td class="exo-claim" data-label="{{ t.claim }}">{% if r.href %}<a href="{{ r.href }}">{% endif %}{{ r.statement }}{% if r.href %}</a>{% endif %}</td>
<td data-label="{{ t.paper }}">{{ r.paper }}</td><td data-label="{{ t.ours }}">{{ r.ours }}</td><td data-label="{{ t.unit }}">{{ r.unit }}</td><td class="{{ r.verdict_class }}" data-label="{{ t.verdict }}">{{ r.verdict }}</td><td class="exo-reason" data-label="{{ t.reason }}">{{ r.reason }}</td></tr>{% endfor %}</tbody></table></div>
{% for c in cards %}<section class="exo-card"><h2><a href="{{ c.href }}">{{ c.title }}</a></h2>
{% if c.img %}<figure><img src="{{ c.img }}" alt="{{ t.key_figure }}: {{ c.title }}"></figure>{% endif %}
{% if c.note %}<p><small>{{ c.note }}</small></p>{% endif %}</section>{% endfor %}
<footer class="exo-footer">{{ footer }}</footer>
</main></body></html>
"""  # noqa: E501 - an HTML template, kept one element a line


# --------------------------------------------------------------------------- index page
def verdict_counts() -> dict[str, dict[str, int]]:
    """{claim prefix: {verdict: count}} from the claims ledger (read with :mod:`csv`: every
    build writes the index, and pandas would cost a build with nothing to redo 0.3 s)."""
    import csv

    out: dict[str, dict[str, int]] = {}
    if not paths().claims.exists():
        return out
    with open(paths().claims, encoding="utf-8-sig", newline="") as fh:
        for r in csv.DictReader(fh):
            prefix, verdict = (r.get("claim_id") or "").split(".", 1)[0], r.get("verdict") or ""
            out.setdefault(prefix, {}).setdefault(verdict, 0)
            out[prefix][verdict] += 1
    return out


def _verdict_badges(counts: dict[str, int]) -> list[dict]:
    from .nbtools import VERDICT_WORDS

    return [
        {
            "n": counts[v],
            "cls": "verdict-" + v.replace(" ", "-"),
            "zh": VERDICT_WORDS["zh"][v],
            "en": VERDICT_WORDS["en"][v],
        }
        for v in claims_mod.VERDICTS
        if counts.get(v)
    ]


def _parameter_runs(folder: Path) -> list[dict]:
    """Briefings of runs with non-default parameters found in ``folder``."""
    from .execute import split_run_name

    runs: dict[tuple[str, str], dict] = {}
    for p in sorted(folder.glob("*.*.*.html")):
        stem, tag, lang = split_run_name(p.name.removesuffix(".html"))
        if tag and lang in LANG_CODES:
            runs.setdefault((stem, tag), {"stem": stem, "tag": tag, "langs": {}})["langs"][lang] = p.name
    return list(runs.values())


def export_index(out_dir: Path | None = None) -> Path:
    """``build/briefings/index.html``: every briefing in both languages with its verdict counts."""
    import jinja2
    from markupsafe import Markup

    out_dir = Path(out_dir) if out_dir else briefings_dir()
    counts = verdict_counts()
    total: dict[str, int] = {}
    rows = []
    for s in all_sections():
        c = counts.get(s.CLAIM_PREFIX, {})
        for v, n in c.items():
            total[v] = total.get(v, 0) + n
        rows.append(
            {"stem": s.NOTEBOOK, "zh": s.TITLE["zh"], "en": s.TITLE["en"], "badges": _verdict_badges(c)}
        )
    overview = {
        "stem": "00_overview",
        "zh": TEXT["zh"]["overview_title"],
        "en": TEXT["en"]["overview_title"],
        "badges": _verdict_badges(total),
    }
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    page = env.from_string(INDEX).render(
        rows=[overview, *rows],
        runs=_parameter_runs(out_dir),
        css=Markup(_css()),
        version=__version__,
        commit=compendium_commit(),
        exists=lambda name: (out_dir / name).exists(),
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    return _write(out_dir / "index.html", page)


INDEX = """<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="generator" content="exo_industry {{ version }}">
<title>简报目录 · Briefings</title><style>{{ css }}</style></head>
<body class="jp-Notebook exo-index-page"><main>
<header class="exo-header"><div class="exo-kicker">中国外泌体产业 · 数据复核简报 <span lang="en">/ China's exosome industry · evidence briefings</span></div></header>
<h1>简报目录 <span lang="en">/ Briefings</span></h1>
<div class="exo-scroll"><table class="exo-ledger exo-index"><thead><tr><th>简报 <span lang="en">/ Briefing</span></th><th>中文</th><th lang="en">English</th><th>结论 <span lang="en">/ Verdicts</span></th></tr></thead>
<tbody>{% for r in rows %}<tr><td data-label="简报 / Briefing">{{ r.zh }}<br><span lang="en">{{ r.en }}</span></td>
<td data-label="中文">{% if exists(r.stem ~ '.zh.html') %}<a href="{{ r.stem }}.zh.html" hreflang="zh-CN">中文</a>{% else %}—{% endif %}</td>
<td data-label="English">{% if exists(r.stem ~ '.en.html') %}<a href="{{ r.stem }}.en.html" hreflang="en" lang="en">English</a>{% else %}—{% endif %}</td>
<td data-label="结论 / Verdicts">{% for b in r.badges %}<span class="exo-badge {{ b.cls }}">{{ b.n }} {{ b.zh }} <span lang="en">/ {{ b.en }}</span></span> {% endfor %}</td></tr>{% endfor %}</tbody></table></div>
{% if runs %}<h2>非默认参数的运行 <span lang="en">/ Runs with non-default parameters</span></h2>
<ul>{% for run in runs %}<li><code>{{ run.stem }}</code> <code>{{ run.tag }}</code>: {% for lang, name in run.langs.items() %}<a href="{{ name }}">{{ lang }}</a> {% endfor %}</li>{% endfor %}</ul>{% endif %}
<footer class="exo-footer"><p class="exo-built">exo_industry {{ version }}{% if commit %} (commit {{ commit }}){% endif %}</p></footer>
</main></body></html>
"""  # noqa: E501 - an HTML template, kept one element a line


# --------------------------------------------------------------------------- PDF
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-pdf-header-footer",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def chromium() -> str:
    """The Chromium executable (``EXO_CHROMIUM`` or ``chromium`` on PATH)."""
    import os

    exe = os.environ.get("EXO_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe or not Path(exe).exists():
        raise ExoError(
            "Chromium is needed to print briefings to PDF and was not found",
            hint="install Debian's `chromium` package (apt-get install chromium) or set EXO_CHROMIUM",
        )
    return exe


def export_pdf(html_path: Path, pdf_path: Path | None = None, timeout: int = 180) -> Path:
    """Print one briefing to an A4 PDF (the page size comes from the print stylesheet's @page)."""
    html_path = Path(html_path)
    pdf_path = Path(pdf_path) if pdf_path else html_path.with_suffix(".pdf")
    exe = chromium()
    with tempfile.TemporaryDirectory(prefix="exo-chromium-") as profile:
        tmp = Path(profile) / "out.pdf"
        cmd = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={tmp}"]
        try:
            done = subprocess.run(
                [*cmd, html_path.resolve().as_uri()], capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            raise ExoError(f"Chromium did not print {html_path.name} within {timeout} s") from None
        if done.returncode != 0 or not tmp.exists() or tmp.stat().st_size == 0:
            raise ExoError(f"Chromium could not print {html_path.name}: {done.stderr.strip()[-300:]}")
        pdf_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(tmp), str(pdf_path) + ".part")
        Path(str(pdf_path) + ".part").replace(pdf_path)
    return pdf_path
