"""Policy briefings: executed notebooks to self-contained HTML, plus an overview.

- code, prompts, the ``parameters`` and ``injected-parameters`` cells and papermill's
  metadata are removed; images are embedded; nothing is loaded from another host
  (our template drops require.js, MathJax and Mermaid from nbconvert's lab template);
- text from the internet is escaped where it enters HTML (pandas ``to_html(escape=True)``,
  ``nbtools.show_table``, Jinja2 autoescape), so it stays inert;
- Chinese glyphs are embedded: the page's CJK characters are cut from Noto Sans CJK SC
  (fontTools subsetter) into an inline web font, so a reader without Chinese fonts still
  sees Simplified Chinese forms, not empty boxes;
- every briefing ends with a provenance footer built from ``data/processed/manifest.json``;
- file names carry notebook and language: ``01_aging_demographics.zh.html``.
"""

from __future__ import annotations

import base64
import datetime as _dt
import functools
import hashlib
import html
import io
import re
from pathlib import Path

from . import __version__
from . import claims as claims_mod
from ._imports import skip_iri_format_checker
from .config import paths
from .errors import ExoError, MissingData
from .processed import read_manifest
from .redact import redact
from .sections import all_sections, by_notebook
from .store import atomic_write_text

skip_iri_format_checker()  # before nbformat is imported (lazily, below)
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
    },
}


def briefings_dir() -> Path:
    return paths().build / "briefings"


def _css() -> str:
    return (TEMPLATES / "briefing.css").read_text(encoding="utf-8")


def _lang_links(stem: str, lang: str) -> list[dict]:
    return [
        {"href": f"{stem}.{other}.html", "label": LANG_LABELS[other], "current": other == lang}
        for other in ("zh", "en")
    ]


def _source_title(name: str) -> str:
    try:
        from .sources import get

        return get(name).TITLE
    except Exception:  # noqa: BLE001 - a title is cosmetic; an unknown or broken source keeps its name
        return name


def provenance_footer(section_names: list[str], lang: str, data_notes: list[str]) -> str:
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
    built = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d")
    return (
        f"<h3>{html.escape(t['sources'])}</h3><table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        + (f"<h3>{html.escape(t['partial'])}</h3><ul>{notes}</ul>" if notes else "")
        + f"<p>{html.escape(t['built'])}: exo_industry {html.escape(__version__)}, {built}</p>"
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


@functools.lru_cache(maxsize=None)  # one per process and language: the template is compiled once
def _exporter(lang: str):
    from nbconvert import HTMLExporter

    exp = HTMLExporter(
        language_code=lang,  # nbconvert takes ISO 639-1 only; the region is added after export
        template_name="briefing",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    return exp


FONT_FAMILY = "Exo Noto Sans SC"


CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_CJK_CHARS = re.compile(f"[{CJK}]")
SUBSET_VERSION = 1  # bump when the subsetter options below change


def _is_cjk(ch: str) -> bool:
    return bool(_CJK_CHARS.fullmatch(ch))


def _font_cache_dir() -> Path:
    return paths().build / "cache" / "fonts"


def embedded_font_css(text: str) -> str:
    """An @font-face rule whose data: URI holds just the CJK glyphs ``text`` uses.

    Subsets are cached in ``build/cache/fonts`` under the hash of the glyph set and the font
    file's name, size and modification time, so re-exporting a page reuses its subset.
    """
    from .theme import font_path

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
    from fontTools import subset

    opts = subset.Options()
    opts.flavor = None
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    font = subset.load_font(str(font_file), opts)
    try:
        sub = subset.Subsetter(opts)
        sub.populate(text=chars)
        sub.subset(font)
        buf = io.BytesIO()
        font.save(buf)
    finally:
        font.close()
    return buf.getvalue()


def _write(path: Path, text: str) -> Path:
    text = redact(text)
    text = text.replace("</head>", embedded_font_css(text) + "</head>", 1)
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise ExoError(f"{path.name} would be {size / 1e6:.1f} MB, over the 3 MB limit for a briefing")
    atomic_write_text(path, text)
    return path


def export_notebook(executed: Path, out_dir: Path | None = None) -> Path:
    """``build/notebooks/<stem>.<lang>.ipynb`` to ``build/briefings/<stem>.<lang>.html``."""
    import nbformat

    from .runcache import is_complete

    executed = Path(executed)
    stem, lang = executed.stem.rsplit(".", 1)
    if not is_complete(executed):  # e.g. Ctrl-C during a run: never publish a hollow briefing
        raise ExoError(
            f"{executed.name} is not the result of a finished run (no matching completion mark)",
            hint=f"run it again: `exo-industry run {stem} --lang {lang}`",
        )
    nb = nbformat.read(str(executed), as_version=4)
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
            "lang_links": _lang_links(stem, lang),
            "footer_html": provenance_footer(names, lang, notes),
        },
    }
    body, _ = _exporter(lang).from_notebook_node(nb, resources=resources)
    body = body.replace(f'<html lang="{lang}">', f'<html lang="{LANG_CODES[lang]}">', 1)
    out_dir = Path(out_dir) if out_dir else briefings_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    return _write(out_dir / f"{stem}.{lang}.html", body)


def _img_data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def key_figure(section, lang: str) -> Path | None:
    figs = paths().figures
    name = section.KEY_FIGURE
    if name:
        p = figs / f"{name}.{lang}.png"
        if p.exists():
            return p
    found = sorted(figs.glob(f"{section.NAME}_*.{lang}.png"))
    return found[0] if found else None


def export_overview(lang: str, out_dir: Path | None = None) -> Path:
    import jinja2
    from markupsafe import Markup

    from .nbtools import VERDICT_WORDS

    t = TEXT[lang]
    ledger = claims_mod.read_ledger(paths().claims)
    if ledger.empty:
        raise MissingData(f"no claims in {paths().claims}", hint="run `exo-industry process`")
    sections = all_sections()
    rows = []
    for _, r in ledger.iterrows():
        rows.append(
            {
                "id": r["claim_id"],
                "section": r["section"],
                "statement": r["statement"],
                "statement_en": r["statement_en"],
                "paper": claims_mod.localized(r, "paper_value", lang),
                "ours": "{} {}".format(
                    claims_mod.localized(r, "reproduced_value", lang), claims_mod.localized(r, "unit", lang)
                ).strip(),
                "verdict": VERDICT_WORDS[lang][r["verdict"]],
                "verdict_class": "verdict-" + r["verdict"].replace(" ", "-"),
                "reason": claims_mod.localized(r, "reason", lang),
                "href": f"{r['notebook']}.{lang}.html" if r["notebook"] else "",
            }
        )
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
        footer=Markup(provenance_footer([s.NAME for s in sections], lang, [c["note"] for c in cards])),
    )
    out_dir = Path(out_dir) if out_dir else briefings_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    return _write(out_dir / f"00_overview.{lang}.html", page)


OVERVIEW = """<!DOCTYPE html>
<html lang="{{ lang_code }}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="generator" content="exo_industry {{ version }}">
<title>{{ t.overview_title }}</title><style>{{ css }}</style></head>
<body class="jp-Notebook"><main>
<header class="exo-header"><div class="exo-kicker">{{ t.kicker }}</div>
<nav class="exo-lang">{% for l in links %}<a href="{{ l.href }}"{% if l.current %} aria-current="page"{% endif %}>{{ l.label }}</a>{% endfor %}</nav></header>
<h1>{{ t.overview_title }}</h1>
<p>{{ t.overview_intro }}</p>
{% if changed %}<section class="exo-changes"><h2>{{ t.changed_since }} {{ changed[0] }}</h2>
{% if changed[1] %}<ul>{% for c in changed[1] %}
<li><a href="#{{ c.claim_id }}">{{ c.claim_id }}</a>: {{ c.field }} {{ c.before }} → {{ c.after }}</li>
{% endfor %}</ul>
{% else %}<p>{{ t.no_change }}</p>{% endif %}</section>{% endif %}
<table class="exo-ledger"><colgroup><col style="width:6%"><col style="width:25%"><col style="width:13%"><col style="width:18%"><col style="width:14%"><col style="width:24%"></colgroup><thead><tr><th>{{ t.section }}</th><th>{{ t.claim }}</th><th>{{ t.paper }}</th><th>{{ t.ours }}</th><th>{{ t.verdict }}</th><th>{{ t.reason }}</th></tr></thead>
<tbody>{% for r in rows %}<tr id="{{ r.id }}"><td>{{ r.section }}</td>
<td>{% if r.href %}<a href="{{ r.href }}">{% endif %}{{ r.statement }}{% if r.href %}</a>{% endif %}<br><small>{{ r.statement_en }}</small></td>
<td>{{ r.paper }}</td><td>{{ r.ours }}</td><td class="{{ r.verdict_class }}">{{ r.verdict }}</td><td>{{ r.reason }}</td></tr>{% endfor %}</tbody></table>
{% for c in cards %}<section class="exo-card"><h2><a href="{{ c.href }}">{{ c.title }}</a></h2>
{% if c.img %}<figure><img src="{{ c.img }}" alt="{{ t.key_figure }}: {{ c.title }}"></figure>{% endif %}
{% if c.note %}<p><small>{{ c.note }}</small></p>{% endif %}</section>{% endfor %}
<footer class="exo-footer">{{ footer }}</footer>
</main></body></html>
"""  # noqa: E501 - an HTML template, kept one element a line
